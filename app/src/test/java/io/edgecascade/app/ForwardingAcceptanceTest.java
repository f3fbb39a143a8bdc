package io.edgecascade.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgecascade.app.cli.Main;
import io.edgecascade.app.testing.CloudProcess;
import io.edgecascade.app.testing.PositiveIds;
import io.edgecascade.cascade.forward.Forwarder;
import io.edgecascade.cloud.CloudServer;
import io.edgecascade.cascade.testing.SpoolListing;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The acceptance tests of forwarding: the real agent (in process, or as a child JVM where it must be killed),
 * the real reference cloud server on loopback, a 20 s clip of the sample video cut with ffmpeg at test time.
 * The server's --record file (every request id it received, in arrival order) is compared with the agent's
 * event log (every positive frame).
 */
class ForwardingAcceptanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path assets;
    static Path clip;

    @TempDir
    Path dir;

    @BeforeAll
    static void cutClip() throws Exception {
        String env = System.getenv("EDGE_CASCADE_ASSETS");
        assertTrue(env != null && !env.isBlank(), "EDGE_CASCADE_ASSETS is not set: point it at the shared test data");
        assets = Path.of(env);
        Path video = assets.resolve("video/one-by-one-person-detection.mp4");
        assertTrue(Files.isRegularFile(video), "sample video missing: " + video);
        clip = shared.resolve("clip20.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-ss", "20", "-t", "20",
                "-i", video.toString(), "-c", "copy", clip.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "ffmpeg failed: " + out);
    }

    private Path config(String name, String url, boolean realtime, long spoolBytes, int drainSeconds)
            throws IOException {
        return config(name, url, realtime, spoolBytes, drainSeconds, "yolox", "binary");
    }

    private Path config(String name, String url, boolean realtime, long spoolBytes, int drainSeconds, String model,
            String input) throws IOException {
        String yaml = """
                model:
                  path: %s
                  labels: %s
                threads: 1
                events:
                  path: %s
                  frames: true
                pipeline:
                  progress_interval_s: 0
                  shutdown_timeout_s: %d
                metrics:
                  listen: 0
                cloud:
                  forward: positives
                  url: %s
                  model: %s
                  input: %s
                  inflight: 4
                  deadline_ms: 20000
                  backoff_ms: 100
                  max_backoff_ms: 1000
                  drain_seconds: %d
                  results_path: %s
                spool:
                  dir: %s
                  max_bytes: %d
                  fsync: interval
                cameras:
                  - id: cam1
                    source: %s
                    realtime: %s
                """.formatted(assets.resolve("models/yolox_nano.onnx"), assets.resolve("models/coco_classes.txt"),
                dir.resolve("events.jsonl"), drainSeconds + 30, url, model, input, drainSeconds, dir.resolve("results.jsonl"), dir.resolve("spool"),
                spoolBytes, clip, realtime);
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private CloudServer server(int port) throws IOException {
        return CloudServer.start(new CloudServer.Settings("127.0.0.1", port,
                Map.of("yolox", assets.resolve("models/yolox_nano.onnx")), dir.resolve("record.txt"), 1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Request ids of the positives in the event log, in log order. */
    private List<String> eventIds() throws IOException {
        return PositiveIds.of(dir.resolve("events.jsonl"));
    }

    /** Positive frames in the event log so far, read while the agent writes it (a line may be half written). */
    private long positivesLogged() throws IOException {
        Path events = dir.resolve("events.jsonl");
        return Files.exists(events) ? Files.readAllLines(events).stream()
                .filter(l -> l.contains("\"type\":\"frame\"")).count() : 0;
    }

    private List<String> recorded() throws IOException {
        Path r = dir.resolve("record.txt");
        return Files.exists(r) ? Files.readAllLines(r) : List.of();
    }

    private static void assertNoDuplicates(List<String> ids) {
        Set<String> seen = new HashSet<>();
        List<String> twice = ids.stream().filter(id -> !seen.add(id)).toList();
        assertTrue(twice.isEmpty(), "ids received more than once: " + twice);
    }

    private JsonNode summary() throws IOException {
        return JSON.readTree(dir.resolve("summary.json").toFile());
    }

    private int run(Path config) {
        return Main.execute("run", "--config", config.toString(), "--summary", dir.resolve("summary.json").toString());
    }

    @Test
    @Timeout(180)
    void everyPositiveReachesTheServerExactlyOnce() throws Exception {
        try (CloudServer server = server(0)) {
            assertEquals(0, run(config("e2e", "127.0.0.1:" + server.port(), true, 1L << 30, 60)));
        }
        List<String> events = eventIds();
        List<String> record = recorded();
        assertFalse(events.isEmpty(), "the clip has positives");
        assertNoDuplicates(record);
        assertEquals(new HashSet<>(events), new HashSet<>(record), "record ids = event ids");
        JsonNode cam = summary().get("cameras").get("cam1");
        assertEquals(events.size(), cam.get("frames_positive").asInt());
        assertEquals(events.size(), cam.get("forwarded").asInt());
        assertEquals(0, summary().get("spool_bytes").asLong());
        assertEquals(events.size(), Files.readAllLines(dir.resolve("results.jsonl")).size(),
                "one cloud answer per positive");
    }

    @Test
    @Timeout(240)
    void serverOutageOfElevenSecondsLosesAndDuplicatesNothingAndKeepsOrder() throws Exception {
        int port = freePort();
        Path config = config("outage", "127.0.0.1:" + port, true, 1L << 30, 90);
        AtomicInteger rc = new AtomicInteger(-1);
        CloudServer server = server(port);
        Thread agent = new Thread(() -> rc.set(run(config)), "agent");
        agent.start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (recorded().size() < 2 && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertTrue(recorded().size() >= 2, "positives reached the server before the outage");
        server.close();
        int before = recorded().size();
        long positivesBefore = positivesLogged();
        // The outage lasts eleven seconds and until the camera found a positive while the server was down. Whether
        // the clip is still running by then depends on this machine's speed, and does not matter: a run that ends
        // during an outage drains its spool for drain_seconds (90), which the restart falls into.
        long outageEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(11);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < outageEnds || positivesLogged() == positivesBefore && agent.isAlive()) {
            assertTrue(System.nanoTime() < deadline, "no positive during the outage within 90 s");
            Thread.sleep(100);
        }
        assertTrue(positivesLogged() > positivesBefore, "a positive came while the server was down");
        server = restart(port);
        try {
            agent.join(TimeUnit.SECONDS.toMillis(150));
            assertFalse(agent.isAlive(), "agent ended");
        } finally {
            server.close();
        }
        assertEquals(0, rc.get());
        List<String> events = eventIds();
        List<String> record = recorded();
        assertTrue(record.size() > before, "positives of the outage arrived after the restart");
        assertNoDuplicates(record);
        assertEquals(new HashSet<>(events), new HashSet<>(record), "no positive lost");
        // per-camera order: the server received the frames in capture order
        List<Long> seq = record.stream().map(id -> Long.parseLong(id.split(":")[1])).toList();
        for (int i = 1; i < seq.size(); i++) {
            assertTrue(seq.get(i) > seq.get(i - 1), "frame " + seq.get(i) + " arrived after " + seq.get(i - 1));
        }
        JsonNode cam = summary().get("cameras").get("cam1");
        assertTrue(cam.get("spooled").asInt() > 0, "frames waited in the spool during the outage");
        assertTrue(cam.get("forward_errors").asInt() > 0, "the outage was noticed");
        assertEquals(events.size(), cam.get("forwarded").asInt());
    }

    /** The reference server as a child JVM, so that it can be SIGKILLed; returns once it listens. */
    private CloudProcess serverProcess(int port, int start) throws Exception {
        return CloudProcess.start(port, assets.resolve("models/yolox_nano.onnx"), dir.resolve("record.txt"),
                dir.resolve("server-" + start + ".log"));
    }

    /**
     * Four cameras, the server SIGKILLed and restarted four times while they run: every positive arrives (a
     * request the server recorded but could not answer before it died is sent again: at least once), each
     * camera's frames first arrive in capture order, and the spool ends empty.
     */
    @Test
    @Timeout(480)
    void fourCamerasSurviveTheServerKilledFourTimes() throws Exception {
        int port = freePort();
        Path config = config("kill4", "127.0.0.1:" + port, true, 1L << 30, 300);
        // The drain must outlast four server restarts: each is a JVM start and a model load, 2 s on a quiet machine
        // and up to a minute on a loaded one; the agent ends as soon as the spool is empty.
        String yaml = Files.readString(config);
        String camera = yaml.substring(yaml.indexOf("  - id: cam1"));
        StringBuilder cams = new StringBuilder();
        for (int i = 1; i <= 4; i++) {
            cams.append(camera.replace("cam1", "cam" + i));
        }
        Files.writeString(config, yaml.substring(0, yaml.indexOf("  - id: cam1")) + cams);
        CloudProcess server = serverProcess(port, 0);
        AtomicInteger rc = new AtomicInteger(-1);
        Thread agent = new Thread(() -> rc.set(run(config)), "agent");
        agent.start();
        try {
            for (int kill = 1; kill <= 4; kill++) {
                Thread.sleep(2_500);
                server.kill(); // SIGKILL: no goodbye to the agent's calls in flight
                Thread.sleep(500);
                server = serverProcess(port, kill);
            }
            agent.join(TimeUnit.SECONDS.toMillis(400));
            assertFalse(agent.isAlive(), "agent ended");
        } finally {
            server.close();
        }
        assertEquals(0, rc.get());
        List<String> events = eventIds();
        List<String> record = recorded();
        assertFalse(events.isEmpty());
        assertTrue(new HashSet<>(record).containsAll(events), "no positive lost: missing "
                + events.stream().filter(id -> !record.contains(id)).toList());
        for (int i = 1; i <= 4; i++) {
            String cam = "cam" + i;
            List<Long> firsts = new LinkedHashSet<>(record).stream().filter(id -> id.startsWith(cam + ":"))
                    .map(id -> Long.parseLong(id.split(":")[1])).toList();
            for (int k = 1; k < firsts.size(); k++) {
                assertTrue(firsts.get(k) > firsts.get(k - 1), cam + ": frame " + firsts.get(k) + " first arrived after "
                        + firsts.get(k - 1));
            }
            JsonNode c = summary().get("cameras").get(cam);
            assertEquals(c.get("frames_positive").asInt(), c.get("forwarded").asInt(), cam + " all acknowledged");
        }
        assertEquals(0, summary().get("spool_frames").asLong(), "spool empty");
    }

    private CloudServer restart(int port) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return server(port);
            } catch (IOException e) {
                if (attempt >= 20) {
                    throw e;
                }
                Thread.sleep(250); // the old socket may linger a moment
            }
        }
    }

    @Test
    @Timeout(240)
    void killedAgentSendsEverySpooledFrameOnceAfterRestart() throws Exception {
        int port = freePort(); // nothing listens: the server is down
        Path first = config("crash", "127.0.0.1:" + port, true, 1L << 30, 0);
        Path log = dir.resolve("agent.log");
        Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.edgecascade.app.cli.Main", "run", "--config",
                first.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Set<String> spooled;
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (spooledIds().size() < 3 && System.nanoTime() < until && agent.isAlive()) {
                Thread.sleep(200);
            }
        } finally {
            agent.destroyForcibly(); // SIGKILL
            agent.waitFor(30, TimeUnit.SECONDS);
        }
        spooled = spooledIds();
        assertTrue(spooled.size() >= 3, "frames were spooled before the kill; agent log:\n"
                + Files.readString(log));

        Path second = config("restart", "127.0.0.1:" + port, false, 1L << 30, 90);
        try (CloudServer server = restart(port)) {
            assertEquals(0, run(second));
        }
        List<String> record = recorded();
        assertNoDuplicates(record);
        for (String id : spooled) {
            assertTrue(record.contains(id), "spooled frame " + id + " arrived");
        }
        assertEquals(0, summary().get("spool_frames").asLong(), "spool empty");
    }

    /** Ids of the frames in the spool folder now. */
    private Set<String> spooledIds() throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        SpoolListing.of(dir.resolve("spool")).forEach(w -> ids.add(w.id()));
        return ids;
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.start();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Forwarder.class.getPackageName())).addAppender(a);
        return a;
    }

    private static void release(ListAppender<ILoggingEvent> a) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Forwarder.class.getPackageName())).detachAppender(a);
    }

    private static List<String> messages(ListAppender<ILoggingEvent> a, Level level, String part) {
        return a.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains(part)).toList();
    }

    @Test
    @Timeout(180)
    void wrongModelNameIsReportedOnceAndFramesStaySpooled() throws Exception {
        ListAppender<ILoggingEvent> log = capture();
        try (CloudServer server = server(0)) {
            assertEquals(0, run(config("wrong", "127.0.0.1:" + server.port(), false, 1L << 30, 3, "yolo-typo",
                    "binary")));
        } finally {
            release(log);
        }
        JsonNode s = summary();
        int positives = s.get("cameras").get("cam1").get("frames_positive").asInt();
        assertTrue(positives > 0);
        assertEquals(0, s.get("cameras").get("cam1").get("forwarded").asInt());
        assertEquals(positives, s.get("spool_frames").asInt(), "every positive stays spooled");
        assertTrue(recorded().isEmpty(), "no inference reached the server");
        List<String> errors = messages(log, Level.ERROR, "'yolo-typo'");
        assertEquals(1, errors.size(), "reported once, not per retry: " + errors);
        assertTrue(errors.get(0).contains("NOT_FOUND") && errors.get(0).contains("models: yolox"),
                "names the server's status and message: " + errors.get(0));
    }

    private void openssl(String... args) throws Exception {
        io.edgecascade.cascade.testing.Certificates.openssl(dir, args);
    }

    @Test
    @Timeout(180)
    void mutualTlsForwardsEveryPositive() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
                "-subj", "/CN=edge-cascade test CA");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        for (String who : List.of("server", "client")) {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr", "-subj",
                    "/CN=" + who);
            openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", who + ".pem", "-days", "1", "-extfile", "san.ext");
        }
        Path config = config("tls", "grpcs://127.0.0.1:PORT", false, 1L << 30, 60);
        try (CloudServer server = CloudServer.start(new CloudServer.Settings("127.0.0.1", 0,
                Map.of("yolox", assets.resolve("models/yolox_nano.onnx")), dir.resolve("record.txt"), 1,
                dir.resolve("server.pem"), dir.resolve("server.key"), dir.resolve("ca.pem")))) {
            String yaml = Files.readString(config).replace("PORT", Integer.toString(server.port()))
                    .replace("  results_path:", "  tls: {ca: " + dir.resolve("ca.pem") + ", cert: "
                            + dir.resolve("client.pem") + ", key: " + dir.resolve("client.key") + "}\n  results_path:");
            Files.writeString(config, yaml);
            assertEquals(0, run(config));
        }
        List<String> events = eventIds();
        assertFalse(events.isEmpty());
        assertEquals(new HashSet<>(events), new HashSet<>(recorded()));
        assertEquals(events.size(), summary().get("cameras").get("cam1").get("forwarded").asInt());
    }

    @Test
    @Timeout(180)
    void tensorInputModeSendsPixelsShapedAsTheModelAsks() throws Exception {
        try (CloudServer server = server(0)) {
            assertEquals(0, run(config("tensor", "127.0.0.1:" + server.port(), false, 1L << 30, 60, "yolox",
                    "tensor")));
        }
        List<String> events = eventIds();
        assertFalse(events.isEmpty());
        assertEquals(new HashSet<>(events), new HashSet<>(recorded()));
        int people = 0;
        for (String line : Files.readAllLines(dir.resolve("results.jsonl"))) {
            JsonNode out = JSON.readTree(line).get("outputs");
            for (JsonNode c : out.get("class_ids").get("data")) {
                people += c.asInt() == 0 ? 1 : 0;
            }
            for (JsonNode v : out.get("boxes").get("data")) {
                assertTrue(v.asDouble() >= -1 && v.asDouble() <= 417, "box inside the 416x416 input: " + v);
            }
        }
        assertTrue(people > 0, "the cloud model finds the people the edge found");
    }

    @Test
    @Timeout(180)
    void fullSpoolEvictsCountsAndKeepsRunning() throws Exception {
        long bound = 200_000;
        Path config = config("bound", "127.0.0.1:" + freePort(), false, bound, 0);
        ListAppender<ILoggingEvent> log = capture();
        try {
            assertEquals(0, run(config));
        } finally {
            release(log);
        }
        assertEquals(1, messages(log, Level.WARN, "is unreachable").size(), "an unreachable cloud is reported once");
        JsonNode s = summary();
        JsonNode cam = s.get("cameras").get("cam1");
        int positives = cam.get("frames_positive").asInt();
        assertTrue(positives > 10, "enough positives to fill the spool: " + positives);
        assertEquals(0, cam.get("forwarded").asInt());
        long evicted = cam.get("spool_evicted").asLong();
        assertTrue(evicted > 0, "eviction happened and was counted");
        assertEquals(positives, evicted + s.get("spool_frames").asLong(), "every positive is kept or counted evicted");
        assertTrue(cam.get("frames_decoded").asInt() >= 190, "the agent kept running to the end of the clip");
        long onDisk;
        try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
            onDisk = files.mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(onDisk <= bound, "spool holds " + onDisk + " bytes, bound " + bound);
    }
}
