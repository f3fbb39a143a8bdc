package io.edgecascade.cascade.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.pipeline.RunSummary;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.edgecascade.cloud.CloudServer;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Records the cloud can never accept, against the real reference server: they go to the dead-letter folder and
 * their camera moves on (issue 17, item 6).
 */
class PoisonRecordTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private CloudSettings settings(int port, CloudSettings.Mode mode) {
        return new CloudSettings("127.0.0.1:" + port, "yolox", "", CloudSettings.InputMode.BINARY, 90, 2,
                Duration.ofSeconds(20), 2, Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(20),
                dir.resolve("results.jsonl"), null, null, null).withMode(mode);
    }

    private SpoolDirectory.Settings spool() {
        return SpoolDirectory.Settings.of(dir.resolve("spool"), 1L << 30, SpoolDirectory.Fsync.INTERVAL)
                .withDeadLetters(dir.resolve("dead"), 1L << 20);
    }

    private static Upload upload(String camera, long sequence, byte[] jpeg) {
        return new Upload(camera, sequence, sequence * 100, 1_700_000_000_000L + sequence, 640, 426, jpeg,
                List.of(new Detection("person", 0, 0.9f, 10, 20, 110, 220)), List.of(1L), List.of());
    }

    private List<Path> deadLetters() throws IOException {
        if (!Files.isDirectory(dir.resolve("dead"))) {
            return List.of();
        }
        try (var s = Files.list(dir.resolve("dead"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private List<String> record() throws IOException {
        return Files.readAllLines(dir.resolve("record.txt"));
    }

    /**
     * Defect (issue 17, item 6): a record the server always rejects (here bytes that are not an image: the server
     * answers INVALID_ARGUMENT) was retried forever in strict per-camera order: its camera never sent another frame
     * and the breaker stayed open. Failed before: 3 records were left in the spool at close, and the server had
     * received the poison again and again.
     */
    @ParameterizedTest
    @EnumSource(CloudSettings.Mode.class)
    @Timeout(120)
    void aRecordTheServerRejectsGoesToTheDeadLetterFolderAndItsCameraMovesOn(CloudSettings.Mode mode)
            throws Exception {
        byte[] jpeg = Files.readAllBytes(TestAssets.cocoImage("000000000139.jpg"));
        byte[] poison = "not an image at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ForwardStats stats = new ForwardStats();
        Forwarder f;
        try (CloudServer server = CloudServer.start(new CloudServer.Settings("127.0.0.1", 0,
                Map.of("yolox", TestAssets.model()), dir.resolve("record.txt"), 1))) {
            f = Forwarder.start(settings(server.port(), mode), spool(), stats, PipelineObserver.of(List.of()),
                    null);
            f.upload(upload("cam", 1, jpeg));
            f.upload(upload("cam", 2, poison));
            f.upload(upload("cam", 3, jpeg));
            f.upload(upload("cam", 4, jpeg));
            f.close();
        }
        assertEquals(0, f.remaining(), "nothing is left waiting behind the poison");
        RunSummary.ForwardCounts counts = stats.snapshot(List.of("cam")).get("cam");
        assertEquals(3, counts.forwarded());
        assertEquals(1, counts.deadLettered());
        List<String> record = record();
        assertEquals(1, record.stream().filter(id -> id.equals(upload("cam", 2, poison).id())).count(),
                "a status that can never succeed is not tried again: " + record);
        List<String> good = record.stream().filter(id -> !id.equals(upload("cam", 2, poison).id())).toList();
        assertEquals(List.of(upload("cam", 1, jpeg).id(), upload("cam", 3, jpeg).id(), upload("cam", 4, jpeg).id()),
                good, "the camera's other frames in order");

        List<Path> letters = deadLetters();
        assertEquals(1, letters.size());
        JsonNode letter = JSON.readTree(letters.get(0).toFile());
        assertEquals(upload("cam", 2, poison).id(), letter.get("id").asText());
        assertEquals("cam", letter.get("camera").asText());
        assertEquals("rejected", letter.get("reason").asText());
        assertEquals("INVALID_ARGUMENT", letter.get("status").asText());
        assertTrue(letter.get("error").asText().contains("not a JPEG or PNG"), letter.toString());
        assertEquals(1, letter.get("attempts").asInt());
        assertEquals(1, letter.get("edge_detections").get("detections").get(0).get("track_id").asInt());
        ForwardItem back = ForwardItem.fromBytes(DeadLetters.read(letters.get(0)).payload());
        assertArrayEquals(poison, back.jpeg(), "the record itself is in the letter");
        assertEquals(3, Files.readAllLines(dir.resolve("results.jsonl")).size());
    }

    /**
     * A record the server fails with INTERNAL every time (a fault of the test server for one request id): an attempt
     * each time, counted across a restart, and at cloud.max_attempts it goes to the dead-letter folder while the
     * camera's other frames go on.
     */
    @Test
    @Timeout(180)
    void aRecordThatAlwaysFailsIsGivenUpAtMaxAttemptsCountedAcrossARestart() throws Exception {
        byte[] jpeg = Files.readAllBytes(TestAssets.cocoImage("000000000139.jpg"));
        String poisonId = upload("cam", 2, jpeg).id();
        CloudServer.Answering failing = new CloudServer.Answering(Duration.ZERO, true,
                r -> r.getId().equals(poisonId) ? Status.INTERNAL.withDescription("the model crashed on it") : null);
        CloudServer.Settings serverSettings = new CloudServer.Settings("127.0.0.1", 0,
                Map.of("yolox", TestAssets.model()), dir.resolve("record.txt"), 1);
        ForwardStats stats = new ForwardStats();
        try (CloudServer server = CloudServer.start(serverSettings, failing)) {
            // first run: no limit reached yet; stopped once the poison failed twice
            Forwarder f = Forwarder.start(settings(server.port(), CloudSettings.Mode.UNARY).withMaxAttempts(100)
                    .withDrain(Duration.ZERO), spool(), stats, PipelineObserver.of(List.of()), null);
            f.upload(upload("cam", 1, jpeg));
            f.upload(upload("cam", 2, jpeg));
            f.upload(upload("cam", 3, jpeg));
            long until = System.nanoTime() + 60_000_000_000L;
            while (stats.snapshot(List.of("cam")).get("cam").forwardErrors() < 2 && System.nanoTime() < until) {
                Thread.sleep(20); // two failures counted (the server may be seeing a third meanwhile)
            }
            f.close();
            assertEquals(2, f.remaining(), "the poison and the frame behind it wait");
        }
        long arrived = record().stream().filter(poisonId::equals).count();
        int counted;
        try (SpoolDirectory s = SpoolDirectory.open(spool(), tag -> { })) {
            SpoolDirectory.Entry poison = s.poll();
            assertEquals(poisonId, ForwardItem.fromBytes(s.read(poison)).id());
            counted = s.attempts(poison);
        }
        assertTrue(counted >= 2 && counted <= arrived, "attempts kept on disk: " + counted + " of " + arrived
                + " arrivals");

        // second run: one more failure reaches the limit
        int max = counted + 1;
        try (CloudServer server = CloudServer.start(serverSettings, failing)) {
            Forwarder f = Forwarder.start(settings(server.port(), CloudSettings.Mode.UNARY).withMaxAttempts(max),
                    spool(), stats, PipelineObserver.of(List.of()), null);
            f.close();
            assertEquals(0, f.remaining());
        }
        assertEquals(arrived + 1, record().stream().filter(poisonId::equals).count(),
                "given up after exactly one more attempt");
        List<Path> letters = deadLetters();
        assertEquals(1, letters.size());
        JsonNode letter = JSON.readTree(letters.get(0).toFile());
        assertEquals("max_attempts", letter.get("reason").asText());
        assertEquals("INTERNAL", letter.get("status").asText());
        assertEquals(max, letter.get("attempts").asInt());
        assertTrue(letter.get("error").asText().contains("the model crashed on it"));
        RunSummary.ForwardCounts counts = stats.snapshot(List.of("cam")).get("cam");
        assertEquals(2, counts.forwarded(), "the frames before and after it");
        assertEquals(1, counts.deadLettered());

        // the server is fixed: the letter goes back into the spool and the next start delivers it
        try (SpoolDirectory s = SpoolDirectory.open(spool(), tag -> { })) {
            DeadLetters.Requeued r = DeadLetters.requeue(s, DeadLetters.files(dir.resolve("dead")));
            assertEquals(1, r.requeued().size(), r.problems().toString());
        }
        assertEquals(List.of(), deadLetters());
        try (CloudServer server = CloudServer.start(serverSettings, new CloudServer.Answering(Duration.ZERO, true))) {
            Forwarder f = Forwarder.start(settings(server.port(), CloudSettings.Mode.UNARY), spool(), stats,
                    PipelineObserver.of(List.of()), null);
            f.close();
            assertEquals(0, f.remaining());
        }
        assertEquals(3, stats.snapshot(List.of("cam")).get("cam").forwarded(), "delivered after the requeue");
        List<String> results = Files.readAllLines(dir.resolve("results.jsonl"));
        assertTrue(results.stream().anyMatch(l -> l.contains(poisonId)), results.toString());
    }
}
