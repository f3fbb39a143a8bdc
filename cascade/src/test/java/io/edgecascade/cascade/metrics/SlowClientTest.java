package io.edgecascade.cascade.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.http.HttpEndpoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that sends its request slowly (slowloris, a stuck proxy) holds none of the scrapes up, and is cut off.
 *
 * <p>Defect (the chaos soak's garbage client in CI, issue 17): the metrics server answered on one thread, and the JDK's
 * server reads a request's headers on it; a client that dribbled its request over 20 s left every scrape unanswered
 * meanwhile ("no metrics before its stop"). Failed before: the scrape below timed out while the slow client held on.
 */
class SlowClientTest {

    @Test
    void aClientThatNeverFinishesItsRequestHoldsNoScrapeUpAndIsCutOff() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder().name("edge_cascade_test_total").help("something to scrape").register(registry).inc();
        try (MetricsServer server = MetricsServer.start(MetricsSettings.parse("127.0.0.1:0"), registry, Map.of());
                Socket slow = new Socket("127.0.0.1", server.port())) {
            OutputStream out = slow.getOutputStream();
            // a request line and one header, then nothing: the server waits for the rest on one of its threads
            out.write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200); // let the server take the slow connection first (the test holds either way)

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
            HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.body().contains("edge_cascade_test_total"), scrape.body());

            // the slow client is cut off once it has taken longer than the limit to send its request
            slow.setSoTimeout(1000);
            InputStream in = slow.getInputStream();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(HttpEndpoint.MAX_REQUEST_SECONDS + 60);
            boolean closed = false;
            while (!closed && System.nanoTime() < until) {
                try {
                    closed = in.read() < 0;
                } catch (SocketTimeoutException notYet) {
                    // still open: keep waiting
                } catch (java.io.IOException reset) {
                    closed = true;
                }
            }
            assertTrue(closed, "the server closed the connection of a client that never finished its request");
        }
    }
}
