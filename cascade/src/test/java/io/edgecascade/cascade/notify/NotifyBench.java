package io.edgecascade.cascade.notify;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.notify.mqtt.MqttSettings;
import io.edgecascade.cascade.notify.mqtt.MqttSink;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT sink's cost per event message on the sink's thread ({@code accept}: the message made and written to the
 * outbox; the broker is never waited for), and the outbox's write rate. A benchmark, not a test: run with
 * {@code mvn -B -o -pl cascade -am -Dtest=NotifyBench -Dbench.notify=true -Dsurefire.failIfNoSpecifiedTests=false
 * test}; figures go to docs/BENCHMARKS.md.
 */
@EnabledIfSystemProperty(named = "bench.notify", matches = "true")
class NotifyBench {

    private static final int ROUNDS = 7;

    @TempDir
    Path dir;

    private static PositiveFrame frame(String id, TrackEvent.Type type, long seq, boolean best, Mat pixels) {
        float[] box = {100, 50, 160, 200};
        TrackEvent e = new TrackEvent(id, type, "lobby", seq, seq * 100, NotifyTestFrames.T0.plusMillis(seq * 100),
                "person", 1, 0.8f, box, List.of("door"), 0, seq * 100, seq, type == TrackEvent.Type.END
                        ? TrackEvent.EndReason.LOST : null);
        Detection d = new Detection("person", 0, 0.8f, box[0], box[1], box[2], box[3]);
        VideoFrame f = new VideoFrame("lobby", seq, seq * 100, NotifyTestFrames.T0.plusMillis(seq * 100),
                best ? pixels : new Mat());
        return new PositiveFrame(f, null, List.of(d), new FrameTracks(List.of(1L), List.of(e), best ? List.of(1L)
                : List.of(), List.of()));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    @Test
    void mqttSinkPerEventMessageAndOutboxWriteRate() throws Exception {
        // a closed local port: the delivery thread is not run, accept only makes messages and writes the outbox
        MqttSettings settings = new MqttSettings("127.0.0.1", 9, null, null, null, "bench", "edge-cascade", 1, false,
                "homeassistant", java.time.Duration.ofSeconds(60), DeliverySettings.defaults(dir.resolve("mqtt")));
        Mat pixels = new Mat(432, 768, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(90, 120, 150, 0));
        BestFrames frames = new BestFrames(BestFrames.Settings.DEFAULTS, 90);
        double[] update = new double[ROUNDS];
        double[] newEnd = new double[ROUNDS];
        double[] encode = new double[ROUNDS];
        long seq = 0;
        try (MqttSink sink = MqttSink.open(settings, Map.of("lobby", List.of("person")), (c, v) -> null, "bench",
                new PipelineObserver() { }, frames)) {
            for (int round = -2; round < ROUNDS; round++) { // two rounds of warm-up
                int events = 200;
                int updates = 20;
                long updNanos = 0;
                long cycleNanos = 0;
                long encodeNanos = 0;
                for (int e = 0; e < events; e++) {
                    String id = "lobby-1-" + round + "-" + e;
                    PositiveFrame start = frame(id, TrackEvent.Type.START, ++seq, true, pixels);
                    long te = System.nanoTime();
                    frames.update(start); // the shared store's JPEG, made once for the page, the cloud and the sinks
                    encodeNanos += System.nanoTime() - te;
                    long t0 = System.nanoTime();
                    sink.accept(start);
                    cycleNanos += System.nanoTime() - t0;
                    for (int u = 0; u < updates; u++) {
                        PositiveFrame p = frame(id, TrackEvent.Type.UPDATE, ++seq, false, pixels);
                        long t1 = System.nanoTime();
                        sink.accept(p);
                        updNanos += System.nanoTime() - t1;
                    }
                    long t2 = System.nanoTime();
                    sink.accept(frame(id, TrackEvent.Type.END, ++seq, false, pixels));
                    cycleNanos += System.nanoTime() - t2;
                }
                if (round >= 0) {
                    update[round] = updNanos / 1e3 / (events * updates);
                    newEnd[round] = cycleNanos / 1e3 / (events * 2);
                    encode[round] = encodeNanos / 1e3 / events;
                }
            }
        }
        System.out.printf(Locale.ROOT, "mqtt sink accept, update message (outbox write, no picture): median %.1f us"
                + " (rounds %s)%n", median(update), Arrays.toString(update));
        System.out.printf(Locale.ROOT, "mqtt sink accept, new or end (the snapshot, the event, the retained counts:"
                + " 3-4 outbox writes): median %.1f us (rounds %s)%n", median(newEnd), Arrays.toString(newEnd));
        System.out.printf(Locale.ROOT, "shared best-frame store, JPEG of a 768x432 best frame (once per frame, for"
                + " every reader): median %.1f us (rounds %s)%n", median(encode), Arrays.toString(encode));

        for (SpoolDirectory.Fsync fsync : List.of(SpoolDirectory.Fsync.INTERVAL, SpoolDirectory.Fsync.ALWAYS)) {
            List<Double> rates = new ArrayList<>();
            byte[] body = new byte[800];
            Arrays.fill(body, (byte) 'x');
            OutboxMessage m = new OutboxMessage("lobby-1-0/update/0", "edge-cascade/events", false, body, null);
            int n = fsync == SpoolDirectory.Fsync.ALWAYS ? 500 : 20_000;
            for (int round = -1; round < ROUNDS; round++) {
                Path box = dir.resolve("outbox-" + fsync + "-" + round);
                try (Outbox o = Outbox.open("bench", SpoolDirectory.Settings.of(box, 1L << 30, fsync), 10, "bench",
                        new PipelineObserver() { })) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        o.append(m);
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (round >= 0) {
                        rates.add(n / s);
                    }
                }
            }
            double[] r = rates.stream().mapToDouble(Double::doubleValue).toArray();
            int recordBytes = 800 + 60;
            System.out.printf(Locale.ROOT, "outbox append, fsync %s, %d-byte messages: median %.0f messages/s (%.1f"
                    + " MB/s) (rounds %s)%n", fsync.name().toLowerCase(Locale.ROOT), 800, median(r),
                    median(r) * recordBytes / 1e6, Arrays.toString(r));
        }
        pixels.close();
    }
}
