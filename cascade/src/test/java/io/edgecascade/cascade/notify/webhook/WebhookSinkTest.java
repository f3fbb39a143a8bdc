package io.edgecascade.cascade.notify.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.notify.Delivering;
import io.edgecascade.cascade.notify.DeliverySettings;
import io.edgecascade.cascade.notify.NotifyTestFrames;
import io.edgecascade.cascade.testing.Conditions;
import io.edgecascade.cascade.testing.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook sink against a real HTTP server (the JDK's {@code HttpServer}): retries after a 500, a receiver that hangs
 * (timed out, retried, the sink's thread never held), a 400 given up at once, {@code max_attempts}, the signature
 * checked with the secret, the snapshot as a second part, and what a receiver never got kept across a restart.
 */
class WebhookSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "the-receivers-shared-secret";

    @TempDir
    Path dir;

    private WebhookSettings settings(java.net.URI url, int maxAttempts, Duration timeout, boolean snapshot) {
        DeliverySettings d = DeliverySettings.defaults(dir.resolve("outbox"));
        d = new DeliverySettings(d.filter(), d.outbox(), maxAttempts, Duration.ofMillis(20), Duration.ofMillis(200));
        return new WebhookSettings("test", url, Map.of("Authorization", "Bearer receiver-token"), SECRET, snapshot,
                timeout, d);
    }

    private Delivering<WebhookSink> start(WebhookSettings s, Delivering.Counts counts) throws Exception {
        return Delivering.start(WebhookSink.open(s, "webhooks[0]", counts, new BestFrames(BestFrames.Settings.DEFAULTS,
                80)));
    }

    private static String type(WebhookReceiver.Request r) throws Exception {
        return JSON.readTree(r.body()).get("type").asText();
    }

    private List<JsonNode> deadLetters(WebhookSettings s) throws Exception {
        Path folder = s.delivery().outbox().deadLetterDir();
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                out.add(JSON.readTree(f.toFile()));
            }
        }
        return out;
    }

    @Test
    void a500IsRetriedAndTheReceiverVerifiesTheSignatureWithTheSecret() throws Exception {
        Delivering.Counts counts = new Delivering.Counts();
        try (WebhookReceiver receiver = WebhookReceiver.start(n -> n == 1 ? 500 : 200);
                Delivering<WebhookSink> w = start(settings(receiver.url("/hook"), 5, Duration.ofSeconds(5), false),
                        counts)) {
            w.accept(NotifyTestFrames.start("lobby", "lobby-1-1", 1500));
            Conditions.waitFor("the retry taken: " + counts, () -> counts.of("sent") == 1);
            List<WebhookReceiver.Request> got = receiver.requests();
            assertEquals(2, got.size(), "one 500, then the same message again");
            WebhookReceiver.Request first = got.get(0);
            WebhookReceiver.Request again = got.get(1);
            assertEquals("POST", again.method());
            assertEquals("/hook", again.path());
            assertEquals("application/json", again.header("Content-Type"));
            assertEquals("Bearer receiver-token", again.header("Authorization"), "the configured headers");
            assertEquals("lobby-1-1", again.header(WebhookTransport.EVENT_HEADER));
            assertEquals(first.header(WebhookTransport.MESSAGE_HEADER), again.header(WebhookTransport.MESSAGE_HEADER),
                    "a copy carries the same message id");
            assertTrue(again.header(WebhookTransport.MESSAGE_HEADER).startsWith("lobby-1-1/new/"));
            assertEquals(new String(first.body(), StandardCharsets.UTF_8), again.text());
            assertEquals("new", type(again));
            assertEquals("lobby-1-1", JSON.readTree(again.body()).get("after").get("id").asText());
            // the receiver's check: HMAC-SHA256 of the bytes it read, keyed with the secret it shares
            String signature = again.header(Signature.HEADER);
            assertTrue(signature.matches("sha256=[0-9a-f]{64}"), signature);
            assertTrue(Signature.verify(SECRET, again.body(), signature));
            assertFalse(Signature.verify("another-secret", again.body(), signature), "only the secret signs");
            byte[] tampered = again.text().replace("lobby", "attic").getBytes(StandardCharsets.UTF_8);
            assertFalse(Signature.verify(SECRET, tampered, signature), "a changed body fails the check");
            assertEquals(1, counts.of("failed"));
            assertEquals(1, counts.of("retried"));
            assertEquals(0, counts.of("dead_lettered"));
        }
    }

    @Test
    void a400IsADeadLetterAtOnceAndTheNextMessageGoesOn() throws Exception {
        Delivering.Counts counts = new Delivering.Counts();
        WebhookSettings s;
        try (WebhookReceiver receiver = WebhookReceiver.start(n -> n == 1 ? 400 : 200)) {
            s = settings(receiver.url("/hook"), 5, Duration.ofSeconds(5), false);
            try (Delivering<WebhookSink> w = start(s, counts)) {
                w.accept(NotifyTestFrames.start("lobby", "lobby-2-1", 1500));
                w.accept(NotifyTestFrames.end("lobby", "lobby-2-1", 6000));
                Conditions.waitFor("the end sent: " + counts, () -> counts.of("sent") == 1);
            }
            List<WebhookReceiver.Request> got = receiver.requests();
            assertEquals(List.of("new", "end"), List.of(type(got.get(0)), type(got.get(1))), "no retry of the 400");
            assertEquals(2, got.size());
        }
        List<JsonNode> dead = deadLetters(s);
        assertEquals(1, dead.size(), dead.toString());
        JsonNode d = dead.get(0);
        assertEquals("rejected", d.get("reason").asText());
        assertEquals("400", d.get("status").asText());
        assertEquals("webhook_test", d.get("sink").asText());
        assertEquals(1, d.get("attempts").asInt(), "the one attempt the receiver refused: " + d);
        assertEquals("new", JSON.readTree(d.get("body").asText()).get("type").asText(), "the message, readable");
        assertEquals(1, counts.of("dead_lettered"));
        assertEquals(0, counts.of("retried"));
    }

    @Test
    void aReceiverThatKeepsFailingIsGivenUpAfterMaxAttempts() throws Exception {
        Delivering.Counts counts = new Delivering.Counts();
        WebhookSettings s;
        try (WebhookReceiver receiver = WebhookReceiver.start(n -> 503)) {
            s = settings(receiver.url("/hook"), 3, Duration.ofSeconds(5), false);
            try (Delivering<WebhookSink> w = start(s, counts)) {
                w.accept(NotifyTestFrames.start("lobby", "lobby-3-1", 1500));
                Conditions.waitFor("given up: " + counts, () -> counts.any("dead_lettered"));
            }
            assertEquals(3, receiver.requests().size(), "max_attempts 3: three tries");
        }
        JsonNode d = deadLetters(s).get(0);
        assertEquals("max_attempts", d.get("reason").asText());
        assertEquals("503", d.get("status").asText());
        assertEquals(3, d.get("attempts").asInt());
        assertEquals(3, counts.of("failed"));
        assertEquals(2, counts.of("retried"));
    }

    @Test
    void aReceiverThatHangsIsTimedOutAndRetriedAndNeverHoldsTheSinksThread() throws Exception {
        Delivering.Counts counts = new Delivering.Counts();
        try (WebhookReceiver receiver = WebhookReceiver.start(n -> n == 1 ? WebhookReceiver.HANG : 200);
                Delivering<WebhookSink> w = start(settings(receiver.url("/hook"), 5, Duration.ofMillis(300), false),
                        counts)) {
            w.accept(NotifyTestFrames.start("lobby", "lobby-4-1", 1000));
            Conditions.waitFor("the first request held", () -> receiver.requests().size() == 1);
            // while the receiver holds it, the sink's thread goes on taking frames: accept only writes the outbox
            for (int i = 1; i <= 40; i++) {
                w.accept(NotifyTestFrames.line("lobby", "lobby-4-1", TrackEvent.Type.UPDATE, 1000 + i * 100, 0.8f,
                        List.of()));
            }
            assertEquals(41, counts.of("queued"), "every message in the outbox with the receiver still hanging");
            Conditions.waitFor("all sent after the timeout: " + counts, () -> counts.of("sent") == 41);
            List<WebhookReceiver.Request> got = receiver.requests();
            assertEquals(got.get(0).header(WebhookTransport.MESSAGE_HEADER),
                    got.get(1).header(WebhookTransport.MESSAGE_HEADER), "the timed-out message went again first");
            assertTrue(counts.of("failed") >= 1, counts.toString());
            assertEquals(0, counts.of("dead_lettered"));
            // in order: new, then the updates by frame time
            List<String> ids = got.stream().skip(1).map(r -> r.header(WebhookTransport.MESSAGE_HEADER)).toList();
            assertEquals(41, ids.size(), ids.toString());
            assertTrue(ids.get(0).contains("/new/"), ids.get(0));
        }
    }

    @Test
    void withSnapshotTheBestFrameIsTheSecondPartAndTheSignatureCoversTheWholeBody() throws Exception {
        Delivering.Counts counts = new Delivering.Counts();
        try (WebhookReceiver receiver = WebhookReceiver.accepting();
                Delivering<WebhookSink> w = start(settings(receiver.url("/hook"), 5, Duration.ofSeconds(5), true),
                        counts)) {
            PositiveFrame p = NotifyTestFrames.start("lobby", "lobby-5-1", 1500);
            assertTrue(w.sink.needsPixels(p), "a new best frame: the sink reads its pixels");
            w.accept(p);
            Conditions.waitFor("sent", () -> counts.of("sent") == 1);
            WebhookReceiver.Request r = receiver.requests().get(0);
            String contentType = r.header("Content-Type");
            assertTrue(contentType.startsWith("multipart/form-data; boundary="), contentType);
            String boundary = contentType.substring(contentType.indexOf('=') + 1);
            String body = new String(r.body(), StandardCharsets.ISO_8859_1);
            assertTrue(body.contains("Content-Disposition: form-data; name=\"event\""), body);
            assertTrue(body.contains("Content-Disposition: form-data; name=\"snapshot\"; filename=\"snapshot.jpg\""));
            int jpeg = body.indexOf("\r\n\r\n", body.indexOf("name=\"snapshot\"")) + 4;
            assertEquals(0xff, r.body()[jpeg] & 0xff, "a JPEG starts with FF D8");
            assertEquals(0xd8, r.body()[jpeg + 1] & 0xff);
            assertTrue(body.endsWith("--" + boundary + "--\r\n"));
            assertTrue(body.contains("\"has_snapshot\":true"), "the JSON says a picture comes with it");
            assertTrue(Signature.verify(SECRET, r.body(), r.header(Signature.HEADER)));
        }
    }

    @Test
    void withoutSnapshotTheSinkNeverAsksForPixels() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
            FrameSink sink = WebhookSink.open(settings(receiver.url("/hook"), 5, Duration.ofSeconds(5), false),
                    "webhooks[0]", new Delivering.Counts(), new BestFrames(BestFrames.Settings.DEFAULTS, 80));
            PositiveFrame p = NotifyTestFrames.start("lobby", "lobby-6-1", 1500);
            try {
                assertFalse(sink.needsPixels(p));
            } finally {
                p.frame().close();
                sink.close();
            }
        }
    }

    @Test
    void whatAnUnreachableReceiverNeverGotIsSentInOrderAfterARestart() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // nothing listens there once closed: connection refused
        }
        WebhookSettings s = settings(java.net.URI.create("http://127.0.0.1:" + port + "/hook"), 5,
                Duration.ofSeconds(5), false);
        Delivering.Counts before = new Delivering.Counts();
        try (Delivering<WebhookSink> w = start(s, before)) {
            for (int e = 1; e <= 3; e++) {
                w.accept(NotifyTestFrames.start("lobby", "lobby-7-" + e, e * 10_000L));
                w.accept(NotifyTestFrames.end("lobby", "lobby-7-" + e, e * 10_000L + 5000));
            }
            assertEquals(6, before.of("queued"));
        }
        assertEquals(0, before.of("failed"), "an unreachable receiver costs no attempt: " + before);
        assertTrue(before.outboxBytes() > 0, "the outbox holds them: " + before.outboxBytes());
        Delivering.Counts after = new Delivering.Counts();
        try (WebhookReceiver receiver = WebhookReceiver.start(port, n -> 200);
                Delivering<WebhookSink> w = start(s, after)) {
            Conditions.waitFor("the six from the outbox: " + after, () -> after.of("sent") == 6);
            List<String> got = new ArrayList<>();
            for (WebhookReceiver.Request r : receiver.requests()) {
                got.add(r.header(WebhookTransport.EVENT_HEADER) + " " + type(r));
            }
            assertEquals(List.of("lobby-7-1 new", "lobby-7-1 end", "lobby-7-2 new", "lobby-7-2 end", "lobby-7-3 new",
                    "lobby-7-3 end"), got, "each once, in the order they came");
            assertEquals(0, after.outboxBytes());
        }
        assertNull(deadLetters(s).stream().findAny().orElse(null));
    }
}
