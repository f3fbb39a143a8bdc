package io.edgecascade.cascade.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.http.AccessRules;
import io.edgecascade.cascade.testing.RawHttp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ui.token} on the real page server: without the token no request changes anything or sees a frame or a
 * figure; scripts send it as a bearer header, browsers log in through the form, which sets an HttpOnly,
 * SameSite=Strict session cookie.
 */
class PageTokenTest {

    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String TUNING = "/cameras/demo/tuning";
    private static final String BLIND = "{\"threshold\":200}";

    private PageServer page;
    private RawHttp http;
    private String self;
    private String origin;

    @BeforeEach
    void start() throws Exception {
        page = new PageServer(new UiSettings(true, "127.0.0.1", 0, false, 5, 640)
                .withAccess(new AccessRules(List.of("nuc.example"), TOKEN)));
        http = RawHttp.loopback(page.port());
        self = "127.0.0.1:" + page.port();
        origin = "http://" + self;
    }

    @AfterEach
    void stop() {
        page.close();
    }

    @Test
    void withoutTheTokenNothingChangesAndNothingIsSeen() throws Exception {
        for (String[] credentials : List.of(new String[] {}, new String[] {"Authorization", "Basic " + TOKEN},
                new String[] {"Cookie", "edge_cascade_session_" + page.port() + "=v1.1700000000.forged"},
                new String[] {"Authorization", "Bearer wrong-token"},
                new String[] {"Authorization", "Bearer " + TOKEN + "x"})) {
            boolean guess = credentials.length > 0 && credentials[1].startsWith("Bearer");
            for (String[] request : PageServer.everyRequest()) {
                if (request[1].equals("/login") || request[1].equals("/logout")) {
                    continue; // the form and logging out are public: they show and change nothing
                }
                String[] headers = concat(credentials, "Origin", origin, "Content-Type", "application/json");
                RawHttp.Response r = http.send(request[0], request[1], self, body(request[0]), headers);
                String what = request[0] + " " + request[1] + " with " + String.join(" ", credentials) + ": "
                        + r.status() + " " + r.body();
                // wrong bearer tokens: after ten of them the address waits (429), which shows nothing either
                assertTrue(r.status() == 401 || guess && r.status() == 429, what);
                if (r.status() == 429) {
                    continue;
                }
                assertNotNull(r.header("WWW-Authenticate"), "401 says how to authenticate");
                assertFalse(String.valueOf(r.header("Content-Type")).startsWith("image/")
                        || String.valueOf(r.header("Content-Type")).startsWith("multipart/"), "no frame");
            }
        }
        assertEquals(List.of(), page.tuned, "nothing was tuned");
        assertEquals(200, http.send("GET", "/healthz", self, null).status(), "/healthz stays open");
    }

    @Test
    void aBrowserWithoutASessionIsSentToTheLoginForm() throws Exception {
        RawHttp.Response r = http.send("GET", "/?debug", self, null, "Accept", "text/html,application/xhtml+xml");
        assertEquals(303, r.status());
        assertEquals("/login?next=" + URLEncoder.encode("/?debug", StandardCharsets.UTF_8), r.header("Location"));
        RawHttp.Response form = http.send("GET", "/login?next=%2F%3Fdebug", self, null);
        assertEquals(200, form.status());
        assertTrue(form.body().contains("<form method=\"post\" action=\"/login\">"), form.body());
        assertTrue(form.body().contains("name=\"token\" type=\"password\""), form.body());
        assertTrue(form.body().contains("name=\"next\" type=\"hidden\" value=\"/?debug\""), form.body());
    }

    @Test
    void theLoginFormSetsAStrictHttpOnlySessionCookie() throws Exception {
        RawHttp.Response wrong = login("not-the-token", "/", "Origin", origin);
        assertEquals(401, wrong.status());
        assertTrue(wrong.body().contains("Wrong token."), wrong.body());
        assertEquals(List.of(), wrong.all("Set-Cookie"));
        RawHttp.Response crossSite = login(TOKEN, "/", "Origin", "http://evil.example");
        assertEquals(403, crossSite.status(), "a login posted from another site (login CSRF)");
        assertEquals(List.of(), crossSite.all("Set-Cookie"));

        RawHttp.Response ok = login(TOKEN, "/?debug", "Origin", origin);
        assertEquals(303, ok.status(), ok.body());
        assertEquals("/?debug", ok.header("Location"));
        String setCookie = ok.header("Set-Cookie");
        assertNotNull(setCookie);
        assertTrue(setCookie.startsWith("edge_cascade_session_" + page.port() + "=v1."), setCookie);
        assertTrue(setCookie.contains("; HttpOnly") && setCookie.contains("; SameSite=Strict")
                && setCookie.contains("; Path=/"), setCookie);
        assertFalse(setCookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back");
        assertFalse(setCookie.contains(TOKEN), "the cookie does not carry the token itself");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        assertEquals(200, http.send("GET", "/api/cameras", self, null, "Cookie", cookie).status());
        assertEquals(200, http.send("GET", "/", self, null, "Cookie", "other=1; " + cookie).status());
        RawHttp.Response stream = http.send("GET", "/cameras/demo/stream.mjpeg", self, null, "Cookie", cookie);
        assertEquals(200, stream.status());
        assertTrue(stream.header("Content-Type").startsWith("multipart/x-mixed-replace"), stream.headers().toString());
        // the session is ambient: a state change still needs the page's own Origin
        assertEquals(403, http.send("PUT", TUNING, self, BLIND, "Cookie", cookie).status());
        assertEquals(List.of(), page.tuned);
        assertEquals(200, http.send("PUT", TUNING, self, BLIND, "Cookie", cookie, "Origin", origin).status());
        assertEquals(1, page.tuned.size());
        // a session does not open another host name: DNS rebinding stays closed with a cookie too
        assertEquals(403, http.send("GET", "/api/cameras", "evil.example", null, "Cookie", cookie).status());

        RawHttp.Response out = http.send("POST", "/logout", self, "", "Cookie", cookie, "Origin", origin);
        assertEquals(303, out.status());
        assertTrue(out.header("Set-Cookie").contains("Max-Age=0"), out.header("Set-Cookie"));
    }

    @Test
    void aScriptSendsTheTokenAsABearerHeader() throws Exception {
        String bearer = "Bearer " + TOKEN;
        RawHttp.Response cams = http.send("GET", "/api/cameras", self, null, "Authorization", bearer);
        assertEquals(200, cams.status(), cams.body());
        assertTrue(cams.body().contains("\"id\":\"demo\""), cams.body());
        // no browser adds this header on its own: a request that carries it is no cross-site forgery
        RawHttp.Response tune = http.send("PUT", TUNING, self, BLIND, "Authorization", bearer);
        assertEquals(200, tune.status(), tune.body());
        assertEquals(1, page.tuned.size());
        assertEquals(200, http.send("GET", "/api/cameras", "nuc.example", null, "Authorization", bearer).status(),
                "a name of ui.allowed_hosts");
        assertEquals(403, http.send("GET", "/api/cameras", "evil.example", null, "Authorization", bearer).status());
    }

    @Test
    void afterLoggingInTheBrowserReturnsOnlyToThisServer() throws Exception {
        for (String next : List.of("//evil.example/", "http://evil.example/", "/\\evil.example", "javascript:x")) {
            RawHttp.Response r = login(TOKEN, next, "Origin", origin);
            assertEquals(303, r.status());
            assertEquals("/", r.header("Location"), "next=" + next);
        }
    }

    @Test
    void tenWrongTokensFromOneAddressMakeItWaitAMinute() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertEquals(401, http.send("GET", "/api/cameras", self, null, "Authorization", "Bearer guess-" + i)
                    .status());
        }
        RawHttp.Response blocked = http.send("GET", "/api/cameras", self, null, "Authorization", "Bearer " + TOKEN);
        assertEquals(429, blocked.status(), "even the right token waits: guessing cannot go on");
        assertEquals("60", blocked.header("Retry-After"));
        assertEquals(429, login(TOKEN, "/", "Origin", origin).status());
    }

    @Test
    void theLoginFormIsOnlyThereWithAToken() throws Exception {
        page.close();
        page = new PageServer(new UiSettings(true, "127.0.0.1", 0, false, 5, 640));
        http = RawHttp.loopback(page.port());
        self = "127.0.0.1:" + page.port();
        assertEquals(404, http.send("GET", "/login", self, null).status());
        RawHttp.Response r = http.send("GET", "/api/cameras", self, null);
        assertEquals(200, r.status());
        assertNull(r.header("WWW-Authenticate"));
    }

    private RawHttp.Response login(String token, String next, String... headers) throws Exception {
        String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&next="
                + URLEncoder.encode(next, StandardCharsets.UTF_8);
        return http.send("POST", "/login", self, form,
                concat(headers, "Content-Type", "application/x-www-form-urlencoded"));
    }

    private static String body(String method) {
        return method.equals("GET") || method.equals("HEAD") ? null : BLIND;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
