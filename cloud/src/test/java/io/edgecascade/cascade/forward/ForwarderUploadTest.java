package io.edgecascade.cascade.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.edgecascade.cloud.CloudServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Forwarder#upload}: an already encoded frame goes to the spool and the cloud as it is, once. */
class ForwarderUploadTest {

    @TempDir
    Path dir;

    /** @param drain how long close waits for the cloud */
    private static CloudSettings settings(int port, Duration drain) {
        CloudSettings d = CloudSettings.defaults("127.0.0.1:" + port, "yolox");
        return new CloudSettings(d.url(), d.model(), "", CloudSettings.InputMode.BINARY, 90, 1,
                Duration.ofSeconds(20), 3, Duration.ofMillis(50), Duration.ofMillis(500), drain,
                null, null, null, null);
    }

    private static Upload upload(byte[] jpeg) {
        return new Upload("cam", 7, 700, 1_700_000_000_000L, 640, 426, jpeg,
                List.of(new Detection("person", 0, 0.9f, 10, 20, 110, 220),
                        new Detection("person", 0, 0.8f, 300, 20, 400, 220)),
                List.of(3L, 4L), List.of("cam-3-1", "cam-4-1"));
    }

    @Test
    @Timeout(60)
    void anUploadIsSpooledWithoutReEncodingAndCarriesItsTracksAndEvents() throws Exception {
        byte[] jpeg = Files.readAllBytes(TestAssets.cocoImage("000000000139.jpg"));
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: the frame stays in the spool
        }
        CloudSettings cloud = settings(closedPort, Duration.ZERO);
        SpoolDirectory.Settings spool = SpoolDirectory.Settings.of(dir.resolve("spool"), 1L << 30,
                SpoolDirectory.Fsync.NEVER);
        Forwarder f = Forwarder.start(cloud, spool, new ForwardListener() { }, PipelineObserver.of(List.of()), null);
        f.upload(upload(jpeg));
        f.close();
        assertEquals(1, f.remaining(), "the upload waits in the spool");

        try (SpoolDirectory d = SpoolDirectory.open(spool, tag -> { })) {
            SpoolDirectory.Entry e = d.poll();
            assertNotNull(e);
            ForwardItem item = ForwardItem.fromBytes(d.read(e));
            assertArrayEquals(jpeg, item.jpeg(), "the JPEG is stored as it was handed over, not encoded again");
            assertEquals(upload(jpeg).id(), item.id());
            JsonNode json = new ObjectMapper().readTree(item.detectionsJson());
            assertEquals(640, json.get("width").asInt());
            assertEquals(3, json.get("detections").get(0).get("track_id").asLong());
            assertEquals(4, json.get("detections").get(1).get("track_id").asLong());
            assertEquals("cam-3-1", json.get("events").get(0).asText());
            assertEquals("cam-4-1", json.get("events").get(1).asText());
            assertNull(d.poll(), "one frame, one record");
        }
    }

    @Test
    @Timeout(90)
    void anUploadReachesTheServerOnce() throws Exception {
        byte[] jpeg = Files.readAllBytes(TestAssets.cocoImage("000000000139.jpg"));
        try (CloudServer server = CloudServer.start(new CloudServer.Settings("127.0.0.1", 0,
                Map.of("yolox", TestAssets.model()), dir.resolve("record.txt"), 1))) {
            Forwarder f = Forwarder.start(settings(server.port(), Duration.ofSeconds(30)), SpoolDirectory.Settings.of(dir.resolve("spool"),
                    1L << 30, SpoolDirectory.Fsync.NEVER), new ForwardListener() { }, PipelineObserver.of(List.of()),
                    null);
            f.upload(upload(jpeg));
            f.close();
            assertEquals(0, f.remaining());
        }
        assertEquals(List.of(upload(jpeg).id()), Files.readAllLines(dir.resolve("record.txt")));
    }
}
