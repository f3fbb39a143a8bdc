package io.edgecascade.cascade.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.edgecascade.cascade.testing.RawHttp;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two requests at once, one with the token and one without: each handler learns whether its own request proved
 * the token. The JDK's exchange attributes (before JDK 26) live in the context, shared by every request in flight:
 * a filter that kept the answer there told the one with the token that it had none, or the reverse.
 */
class AccessFilterConcurrencyTest {

    private static final String TOKEN = "concurrent-token-0123456789";

    @Test
    void eachRequestIsAnsweredForItsOwnCredentials() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        AccessFilter access = AccessFilter.forMetrics(new AccessRules(List.of(), TOKEN), "127.0.0.1",
                server.getAddress().getPort());
        CyclicBarrier bothInside = new CyclicBarrier(2);
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        server.createContext("/readyz", ex -> {
            try (ex) {
                bothInside.await(30, TimeUnit.SECONDS); // both requests passed the filter before either answers
                seen.put(ex.getRequestHeaders().getFirst("X-Who"), access.authenticated(ex));
                HttpEndpoint.send(ex, 200, "text/plain", "ok\n");
            } catch (Exception e) {
                throw new java.io.IOException(e);
            }
        }).getFilters().add(access);
        server.setExecutor(threads);
        server.start();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            RawHttp http = RawHttp.loopback(server.getAddress().getPort());
            String self = "127.0.0.1:" + server.getAddress().getPort();
            Future<RawHttp.Response> withToken = clients.submit(() -> http.send("GET", "/readyz", self, null,
                    "Authorization", "Bearer " + TOKEN, "X-Who", "token"));
            Future<RawHttp.Response> without = clients.submit(() -> http.send("GET", "/readyz", self, null,
                    "X-Who", "probe"));
            assertEquals(200, withToken.get(60, TimeUnit.SECONDS).status());
            assertEquals(200, without.get(60, TimeUnit.SECONDS).status());
            assertEquals(Map.of("token", true, "probe", false), seen);
        } finally {
            clients.shutdownNow();
            HttpEndpoint.stop(server, threads);
        }
    }
}
