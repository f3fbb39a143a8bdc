package io.edgecascade.app.testing;

import io.edgecascade.cascade.testing.Await;
import io.edgecascade.cascade.testing.Http;
import io.edgecascade.cascade.testing.Scrape;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A running agent's progress read from its metrics endpoint, so a test waits for what the agent did (frames
 * decoded) instead of for a time that a loaded machine may not keep.
 */
public final class AgentMetrics {

    private AgentMetrics() {
    }

    /** Frames {@code camera} decoded so far; 0 while the endpoint does not answer yet. */
    public static double decoded(int port, String camera) throws InterruptedException {
        try {
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + port + "/metrics");
            return r.statusCode() != 200 ? 0 : new Scrape(r.body()).valueOrZero(
                    "edge_cascade_frames_total{camera=\"" + camera + "\",outcome=\"decoded\"}");
        } catch (IOException e) {
            return 0; // not serving yet
        }
    }

    /** Waits (up to 90 s) until {@code camera} decoded at least {@code frames}; returns the count then. */
    public static double awaitDecoded(int port, String camera, double frames) throws Exception {
        double[] n = new double[1];
        Await.until(camera + " to decode " + frames + " frames", Duration.ofSeconds(90),
                () -> (n[0] = decoded(port, camera)) >= frames);
        return n[0];
    }
}
