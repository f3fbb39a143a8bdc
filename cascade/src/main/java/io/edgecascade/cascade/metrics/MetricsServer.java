package io.edgecascade.cascade.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.edgecascade.cascade.http.AccessFilter;
import io.edgecascade.cascade.http.HttpEndpoint;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.exporter.httpserver.HttpExchangeAdapter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint Prometheus and the orchestrator poll:
 * <ul>
 *   <li>{@code /metrics}: the registry in the Prometheus text format, or OpenMetrics when the scraper asks for
 *       it in {@code Accept} (the client library's handler negotiates);</li>
 *   <li>{@code /healthz}: 200 while the process serves requests (liveness);</li>
 *   <li>{@code /readyz}: 200 when every readiness check passes, else 503 (readiness); the JSON body names
 *       each check and why it fails (with {@code metrics.token} set: only to a request with the token; probes
 *       without it get the status alone).</li>
 * </ul>
 * Every request passes {@link AccessFilter} first: its {@code Host} must name this machine (all but
 * {@code /healthz}), and with {@code metrics.token} set {@code /metrics} needs {@code Authorization: Bearer}.
 *
 * <p>Lifecycle: {@link #start} binds and serves on one thread of its own ({@code metrics-http}); {@link #close}
 * stops it. Scrapes are cheap and rare (every few seconds), so one thread is enough and never competes with
 * the pipeline.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    /** Threads that answer requests. */
    static final int THREADS = 4;

    private final ExecutorService executor;
    private final Map<String, ReadinessCheck> checks;
    private final AccessFilter access;

    private MetricsServer(HttpServer server, ExecutorService executor, Map<String, ReadinessCheck> checks,
            AccessFilter access) {
        this.server = server;
        this.executor = executor;
        this.checks = checks;
        this.access = access;
    }

    /**
     * Binds {@code settings}' address and starts serving.
     *
     * @param checks the {@code /readyz} conditions by name, in the order they are reported
     * @throws IOException with a message naming the address and the fix when it cannot bind
     */
    public static MetricsServer start(MetricsSettings settings, PrometheusRegistry registry,
            Map<String, ReadinessCheck> checks) throws IOException {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("metrics endpoint is disabled");
        }
        HttpServer server = HttpEndpoint.bind("metrics.listen", settings.host(), settings.port(), 8);
        // a few threads: one client that is slow to send its request or to read the answer must not hold up the
        // scrapes (HttpEndpoint.MAX_REQUEST_SECONDS cuts the slow senders off)
        ExecutorService executor = HttpEndpoint.threads("metrics-http", THREADS);
        // every path passes the Host and token checks first (/healthz is open, /readyz shows details with the token)
        AccessFilter access = AccessFilter.forMetrics(settings.access(), settings.host(),
                server.getAddress().getPort());
        MetricsServer s = new MetricsServer(server, executor,
                Collections.unmodifiableMap(new LinkedHashMap<>(checks)), access);
        PrometheusScrapeHandler scrape = new PrometheusScrapeHandler(registry);
        server.createContext("/metrics", exchange -> s.serve(exchange,
                ex -> scrape.handleRequest(new ScrapeExchange(ex)))).getFilters().add(access);
        server.createContext("/healthz", exchange -> s.serve(exchange, s::healthz)).getFilters().add(access);
        server.createContext("/readyz", exchange -> s.serve(exchange, s::readyz)).getFilters().add(access);
        server.createContext("/", exchange -> s.serve(exchange, s::index)).getFilters().add(access);
        server.setExecutor(executor);
        server.start();
        LOG.info("metrics: serving http://{}/metrics (and /healthz, /readyz){}", s.describeAddress(),
                settings.access().tokenRequired() ? "; /metrics needs the token (metrics.token)" : "");
        return s;
    }

    /** The port bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private String describeAddress() {
        return HttpEndpoint.describe(server);
    }

    private void serve(HttpExchange exchange, HttpHandler handler) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            handler.handle(exchange);
        } catch (IOException | RuntimeException e) {
            HttpEndpoint.requestFailed(LOG, "metrics", exchange, e);
        }
    }

    private void healthz(HttpExchange exchange) throws IOException {
        send(exchange, 200, "application/json", "{\"status\":\"alive\"}\n");
    }

    private void readyz(HttpExchange exchange) throws IOException {
        Map<String, Object> results = new LinkedHashMap<>();
        boolean ready = true;
        for (Map.Entry<String, ReadinessCheck> e : checks.entrySet()) {
            ReadinessCheck.Result r;
            try {
                r = e.getValue().check();
            } catch (RuntimeException ex) {
                r = ReadinessCheck.Result.failing("check failed: " + ex);
            }
            ready &= r.ok();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", r.ok());
            m.put("detail", r.detail());
            results.put(e.getKey(), m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "ready" : "not ready");
        if (access.authenticated(exchange)) {
            body.put("checks", results); // camera names, hosts and errors: only for who holds the token
        }
        send(exchange, ready ? 200 : 503, "application/json", JSON.writeValueAsString(body) + "\n");
    }

    private void index(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found; try /metrics, /healthz or /readyz\n");
            return;
        }
        send(exchange, 200, "text/plain; charset=utf-8", "edge-cascade: /metrics /healthz /readyz\n");
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        HttpEndpoint.send(exchange, status, contentType, body);
    }

    /**
     * The Prometheus client's exchange, but an I/O failure (the scraper hung up mid-answer) is thrown to
     * {@link #serve} rather than logged by the client library at SEVERE with two stack traces per hang-up. A
     * failure of the scrape itself ({@link RuntimeException}) still answers 500 with the library's message.
     */
    private static final class ScrapeExchange extends HttpExchangeAdapter {
        ScrapeExchange(HttpExchange exchange) {
            super(exchange);
        }

        @Override
        public void handleException(IOException e) throws IOException {
            throw e;
        }
    }

    /** Stops serving and frees the port; a scrape in progress is cut off. */
    @Override
    public void close() {
        HttpEndpoint.stop(server, executor);
    }
}
