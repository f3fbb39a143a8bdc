package io.edgecascade.cascade.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may ask one of the agent's HTTP endpoints, checked at the entry of every request before any handler runs:
 * <ol>
 *   <li>the open paths ({@code /healthz}: container health checks and probes) pass untouched;</li>
 *   <li>{@code Host} must name this server ({@link HostCheck}), else 403: DNS rebinding;</li>
 *   <li>on the page (the endpoint browsers use; the metrics endpoint only reads and answers anything else
 *       405), a state-changing request (anything but GET and HEAD) must come from the page itself, a same-origin
 *       {@code Origin} (or, without one, {@code Referer}), else 403: cross-site request forgery. A request with
 *       the right bearer token is exempt: a browser never adds that header on its own, and a cross-site page
 *       cannot add it without a CORS preflight the agent never grants;</li>
 *   <li>with a token set, everything else but the public paths needs the token: {@code Authorization: Bearer}
 *       (scripts, Prometheus) or the session cookie the login form sets (browsers). Without it a browser asking
 *       for a page is sent to {@code /login} (when the endpoint has the form), anything else gets 401.</li>
 * </ol>
 * Ten wrong tokens from one address within a minute make further attempts from it wait out the minute (429).
 * Every answer carries headers that keep the page out of other sites' frames and stop content sniffing.
 *
 * <p>Handlers that show more to a client that proved the token (e.g. {@code /readyz}'s details) ask
 * {@link #authenticated}.
 */
public final class AccessFilter extends Filter {

    private static final Logger LOG = LoggerFactory.getLogger(AccessFilter.class);
    private static final long DENIAL_LOG_INTERVAL_NS = 60_000_000_000L;
    static final String LOGIN = "/login";
    static final String LOGOUT = "/logout";

    private final String section;
    private final AccessRules rules;
    private final HostCheck hosts;
    private final Credentials credentials;
    private final boolean tls;
    private final boolean loginForm;
    private final Set<String> openPaths;
    private final Set<String> publicPaths;
    private final String cookieName;
    private final FailedAttempts failures = new FailedAttempts();
    /**
     * The requests in progress that proved the token. Not an exchange attribute: the JDK's server (before 26)
     * keeps those in the context, shared by every request at once.
     */
    private final Set<HttpExchange> provedToken = ConcurrentHashMap.newKeySet();
    private volatile long lastDenialLog = System.nanoTime() - DENIAL_LOG_INTERVAL_NS;

    private AccessFilter(String section, AccessRules rules, HostCheck hosts, boolean tls, boolean loginForm,
            Set<String> openPaths, Set<String> publicPaths, int port) {
        this.section = section;
        this.rules = rules;
        this.hosts = hosts;
        this.credentials = rules.tokenRequired() ? new Credentials(rules.token()) : null;
        this.tls = tls;
        this.loginForm = loginForm;
        this.openPaths = Set.copyOf(openPaths);
        this.publicPaths = Set.copyOf(publicPaths);
        // cookies are not kept apart by port: two agents on one machine must not overwrite each other's session
        this.cookieName = "edge_cascade_session_" + port;
    }

    /**
     * The web page's rules ({@code ui.*}): {@code /healthz} open, a login form for browsers.
     *
     * @param port the port bound (names the session cookie)
     */
    public static AccessFilter forPage(AccessRules rules, String listenHost, int port, boolean tls) {
        return new AccessFilter("ui", rules, HostCheck.forServer(listenHost, rules.allowedHosts()), tls, true,
                Set.of("/healthz"), Set.of(LOGIN), port);
    }

    /**
     * The metrics endpoint's rules ({@code metrics.*}): {@code /healthz} open; {@code /readyz} answers without the
     * token but shows its checks only with it (see {@link #authenticated}); no login form: scrapers send the
     * bearer header.
     */
    public static AccessFilter forMetrics(AccessRules rules, String listenHost, int port) {
        return new AccessFilter("metrics", rules, HostCheck.forServer(listenHost, rules.allowedHosts()), false,
                false, Set.of("/healthz"), Set.of("/readyz"), port);
    }

    /** Whether a request this filter passed on proved the token, or none is needed (ask it while handling). */
    public boolean authenticated(HttpExchange exchange) {
        return credentials == null || provedToken.contains(exchange);
    }

    /** Passes the request on, remembering while it is handled whether it proved the token. */
    private void pass(HttpExchange ex, Chain chain, boolean proved) throws IOException {
        if (proved && credentials != null) {
            provedToken.add(ex);
        }
        try {
            chain.doFilter(ex);
        } finally {
            provedToken.remove(ex);
        }
    }

    @Override
    public String description() {
        return "Host, Origin and token checks of " + section;
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        ex.getResponseHeaders().set("Content-Security-Policy", "frame-ancestors 'none'");
        ex.getResponseHeaders().set("Referrer-Policy", "same-origin");
        String path = ex.getRequestURI().getPath();
        if (openPaths.contains(path)) {
            pass(ex, chain, false);
            return;
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        if (!hosts.allows(host)) {
            logDenial("Host '" + printable(host) + "' is not a name of this machine", ex,
                    "; if it is yours, add it to " + section + ".allowed_hosts");
            deny(ex, 403, "forbidden: this agent does not answer to the host name '" + printable(host)
                    + "' (DNS rebinding protection); add it to " + section + ".allowed_hosts if it is yours\n");
            return;
        }
        InetAddress remote = ex.getRemoteAddress().getAddress();
        String bearer = bearer(ex);
        boolean bearerOk = false;
        if (bearer != null && credentials != null) {
            if (failures.blocked(remote, System.nanoTime())) {
                tooMany(ex);
                return;
            }
            bearerOk = credentials.isToken(bearer);
            if (!bearerOk) {
                failures.failed(remote, System.nanoTime());
                logDenial("a wrong bearer token", ex, "");
                unauthorized(ex, "unauthorized: wrong token\n");
                return;
            }
        }
        boolean read = ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD");
        // an endpoint with a login form is one a browser uses, with requests that change things
        if (loginForm && !read && !bearerOk && !sameOrigin(ex)) {
            logDenial(ex.getRequestMethod() + " without a same-origin Origin or Referer", ex, "");
            deny(ex, 403, "forbidden: a " + ex.getRequestMethod() + " must come from this agent's own page (a"
                    + " same-origin Origin or Referer header)" + (credentials == null ? ""
                    : ", or carry the token in an Authorization: Bearer header") + "\n");
            return;
        }
        boolean authorized = credentials == null || bearerOk
                || credentials.isSession(cookie(ex, cookieName), Instant.now());
        if (loginForm && credentials != null && path.equals(LOGIN)) {
            login(ex, authorized, remote);
            return;
        }
        if (loginForm && credentials != null && path.equals(LOGOUT)) {
            logout(ex);
            return;
        }
        if (!authorized && !publicPaths.contains(path)) {
            if (loginForm && read && accepts(ex, "text/html")) {
                redirect(ex, LOGIN + "?next=" + URLEncoder.encode(target(ex), StandardCharsets.UTF_8));
            } else {
                unauthorized(ex, "unauthorized: this " + (section.equals("ui") ? "page" : "endpoint") + " needs the"
                        + " token (" + section + ".token): send 'Authorization: Bearer TOKEN'"
                        + (loginForm ? " or log in at " + LOGIN : "") + "\n");
            }
            return;
        }
        pass(ex, chain, authorized);
    }

    /** GET: the form (or on to {@code next} when already logged in); POST: checks the token, sets the session. */
    private void login(HttpExchange ex, boolean authorized, InetAddress remote) throws IOException {
        String method = ex.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            String next = safeNext(query(ex.getRequestURI().getRawQuery()).get("next"));
            if (authorized) {
                redirect(ex, next);
            } else {
                page(ex, 200, next, "");
            }
            return;
        }
        if (!method.equals("POST")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD, POST");
            deny(ex, 405, "method not allowed; use GET or POST\n");
            return;
        }
        if (failures.blocked(remote, System.nanoTime())) {
            tooMany(ex);
            return;
        }
        Map<String, String> form;
        try (InputStream in = ex.getRequestBody()) {
            form = query(new String(in.readNBytes(8 << 10), StandardCharsets.US_ASCII));
        }
        String next = safeNext(form.get("next"));
        if (!credentials.isToken(form.get("token"))) {
            failures.failed(remote, System.nanoTime());
            logDenial("a wrong token on the login form", ex, "");
            page(ex, 401, next, "Wrong token.");
            return;
        }
        ex.getResponseHeaders().add("Set-Cookie", cookieName + "=" + credentials.newSession(Instant.now())
                + "; Path=/; Max-Age=" + Credentials.SESSION_LIFETIME.toSeconds() + cookieFlags());
        redirect(ex, next);
    }

    private void logout(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            deny(ex, 405, "method not allowed; log out with POST\n");
            return;
        }
        ex.getResponseHeaders().add("Set-Cookie", cookieName + "=; Path=/; Max-Age=0" + cookieFlags());
        redirect(ex, LOGIN);
    }

    private String cookieFlags() {
        return "; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
    }

    private void page(HttpExchange ex, int status, String next, String message) throws IOException {
        String html = LoginPage.html(next, message);
        try (ex) {
            HttpEndpoint.send(ex, status, "text/html; charset=utf-8", html);
        }
    }

    /**
     * Whether the request comes from a page of this very server: the scheme, host and port of its
     * {@code Origin} (or, when a browser sent none, its {@code Referer}) are this server's as the request
     * addressed it.
     */
    private boolean sameOrigin(HttpExchange ex) {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String source = origin != null ? origin : ex.getRequestHeaders().getFirst("Referer");
        if (source == null || source.equals("null")) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(source.trim());
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = tls ? "https" : "http";
        if (uri.getScheme() == null || uri.getHost() == null || !uri.getScheme().equalsIgnoreCase(scheme)) {
            return false;
        }
        String hostHeader = ex.getRequestHeaders().getFirst("Host");
        String host = HostCheck.hostOf(hostHeader);
        int defaultPort = tls ? 443 : 80;
        int port = portOf(hostHeader, defaultPort);
        return AccessRules.normalizeHost(uri.getHost()).equals(host)
                && (uri.getPort() < 0 ? defaultPort : uri.getPort()) == port;
    }

    private static int portOf(String hostHeader, int defaultPort) {
        String h = hostHeader.trim();
        int colon = h.lastIndexOf(':');
        if (colon < 0 || h.lastIndexOf(']') > colon) {
            return defaultPort;
        }
        return Integer.parseInt(h.substring(colon + 1));
    }

    private static String bearer(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).trim();
    }

    static String cookie(HttpExchange ex, String name) {
        List<String> headers = ex.getRequestHeaders().get("Cookie");
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    return pair.substring(eq + 1).trim();
                }
            }
        }
        return null;
    }

    private static boolean accepts(HttpExchange ex, String type) {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(type);
    }

    private static String target(HttpExchange ex) {
        String query = ex.getRequestURI().getRawQuery();
        return ex.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
    }

    /** A path on this server to go to after logging in; anything else (another site) becomes {@code /}. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "/";
        }
        return next;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // a malformed escape: the field is left out
                }
            }
        }
        return out;
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        deny(ex, 303, "see " + location + "\n");
    }

    private void unauthorized(HttpExchange ex, String message) throws IOException {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"edge-cascade " + section + "\"");
        deny(ex, 401, message);
    }

    private static void tooMany(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Retry-After", "60");
        deny(ex, 429, "too many wrong tokens from this address; wait a minute\n");
    }

    private static void deny(HttpExchange ex, int status, String message) throws IOException {
        try (ex) {
            HttpEndpoint.send(ex, status, "text/plain; charset=utf-8", message);
        }
    }

    /** One WARN line a minute at most, so a user finds out why a request was refused and a flood is no flood. */
    private void logDenial(String what, HttpExchange ex, String fix) {
        long now = System.nanoTime();
        if (now - lastDenialLog >= DENIAL_LOG_INTERVAL_NS) {
            lastDenialLog = now;
            LOG.warn("{}: refused a request for {} from {}: {}{} (further refusals this minute are not logged)",
                    section, printable(ex.getRequestURI().getRawPath()),
                    ex.getRemoteAddress().getAddress().getHostAddress(), what, fix);
        } else {
            LOG.debug("{}: refused a request for {}: {}", section, printable(ex.getRequestURI().getRawPath()), what);
        }
    }

    /** A header value as it may appear in a log line or an answer: printable ASCII, at most 100 characters. */
    private static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 100; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    /** Wrong tokens per client address in the current minute; a bounded map, cleared every minute. */
    static final class FailedAttempts {
        static final int LIMIT = 10;
        private static final long WINDOW_NS = 60_000_000_000L;
        private static final int MAX_ADDRESSES = 10_000;
        private final Map<InetAddress, Integer> counts = new HashMap<>();
        private long windowStart = System.nanoTime();

        synchronized boolean blocked(InetAddress address, long now) {
            roll(now);
            return counts.getOrDefault(address, 0) >= LIMIT;
        }

        synchronized void failed(InetAddress address, long now) {
            roll(now);
            if (counts.size() >= MAX_ADDRESSES) {
                counts.clear();
            }
            counts.merge(address, 1, Integer::sum);
        }

        private void roll(long now) {
            if (now - windowStart >= WINDOW_NS) {
                counts.clear();
                windowStart = now;
            }
        }
    }
}
