package io.edgecascade.cascade.forward;

import io.edgecascade.cascade.metrics.LatencyHistogram;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecascade.cascade.detect.Detection;
import io.edgecascade.cascade.pipeline.FrameSink;
import io.edgecascade.cascade.pipeline.PipelineObserver;
import io.edgecascade.cascade.pipeline.PositiveFrame;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards every positive frame to a KServe v2 model server (OVMS, Triton, {@code edge-cascade cloud}) and
 * loses none: store-and-forward through a {@link SpoolDirectory}. A thin facade over its parts:
 *
 * <ul>
 *   <li>{@link #accept} (the pipeline's output thread) copies the pixels and hands the frame to the
 *       {@link SpoolWriter} (the <em>spool thread</em>: JPEG encode, append to the spool, acknowledgements,
 *       the {@link ResultsLog}); a frame is on disk before it is sent, so a crash or an outage loses nothing;</li>
 *   <li>the {@link CloudSender} (the <em>sender thread</em>) sends spooled frames oldest-first as asynchronous
 *       ModelInfer calls built by the {@link RequestEncoder}, with a {@link CircuitBreaker} spacing the
 *       retries.</li>
 * </ul>
 * The capture and detector threads never wait on the network; the output thread waits only when the spool thread
 * is {@value SpoolWriter#HANDOFF} frames behind.
 *
 * <p>{@link #close()} drains: it waits up to {@code drain} for the spool to empty, then reports what remains
 * (sent on the next start).
 */
public final class Forwarder implements FrameSink {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Request parameter carrying the edge's detections (JSON). */
    public static final String DETECTIONS_PARAMETER = RequestEncoder.DETECTIONS_PARAMETER;

    private final CloudSettings cloud;
    private final SpoolDirectory spool;
    private final ForwardListener listener;
    private final ManagedChannel channel;
    private final ResultsLog results;
    private final AutoCloseable owned;
    private final SpoolWriter writer;
    private final CloudSender sender;
    private final Thread spoolThread;
    private final Thread senderThread;
    private final LatencyHistogram acceptTimes = new LatencyHistogram();
    private volatile boolean closing;
    private boolean closed;
    private long remainingAtClose = -1;
    private long remainingBytesAtClose;

    private Forwarder(CloudSettings cloud, SpoolDirectory spool, ForwardListener listener, PipelineObserver observer,
            ManagedChannel channel, ResultsLog results, AutoCloseable owned) {
        this.cloud = cloud;
        this.spool = spool;
        this.listener = listener;
        this.channel = channel;
        this.results = results;
        this.owned = owned;
        CloudSender[] s = new CloudSender[1];
        this.writer = new SpoolWriter(spool, listener, observer, results, cloud.model(), cloud.jpegQuality(),
                camera -> s[0].willWait(camera), () -> s[0].wake());
        this.sender = new CloudSender(cloud, spool, listener, observer, channel, writer);
        s[0] = sender;
        this.spoolThread = new Thread(writer, "forward-spool");
        this.senderThread = new Thread(sender, "forward-send");
    }

    /**
     * Opens the spool and the channel and starts the forwarder's two threads. Does not wait for the server: an
     * unreachable one is reported once and the frames wait in the spool.
     *
     * @param owned closed after the forwarder (an embedded server), or null
     * @throws IOException with a message naming the problem and the fix (spool folder, results file, TLS files)
     */
    public static Forwarder start(CloudSettings cloud, SpoolDirectory.Settings spoolSettings, ForwardListener listener,
            PipelineObserver observer, AutoCloseable owned) throws IOException {
        ManagedChannel channel = null;
        SpoolDirectory spool = null;
        ResultsLog results = null;
        try {
            results = ResultsLog.open(cloud.resultsPath());
            spool = SpoolDirectory.open(spoolSettings, listener::onEvicted);
            ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(cloud.target(), credentials(cloud))
                    .maxInboundMessageSize(64 << 20)
                    // notice a dead peer (a WAN link gone, a NAT that forgot us) without waiting for a deadline
                    .keepAliveTime(30, TimeUnit.SECONDS)
                    .keepAliveTimeout(10, TimeUnit.SECONDS);
            if (cloud.authority() != null) {
                // a KServe ingress routes on the Host/:authority, not on the address it is reached at
                builder.overrideAuthority(cloud.authority());
            }
            channel = builder.build();
            Forwarder f = new Forwarder(cloud, spool, listener, observer, channel, results, owned);
            listener.spoolBytes(spool.pendingBytes());
            listener.spoolAccepting(true);
            listener.cloudUp(false); // until the model has been checked
            f.spoolThread.start();
            f.senderThread.start();
            LOG.info("forwarding positives to model '{}' at {}{} ({} input, {}, up to {} in flight{}), spool {}",
                    cloud.model(), cloud.url(), cloud.authority() == null ? "" : " as " + cloud.authority(),
                    cloud.input().label(), cloud.mode().label(), cloud.inflight(),
                    cloud.mode() == CloudSettings.Mode.STREAM ? " per camera" : "", spoolSettings.dir());
            return f;
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.shutdownNow();
            }
            if (spool != null) {
                spool.close();
            }
            if (results != null) {
                results.close();
            }
            throw e;
        }
    }

    private static ChannelCredentials credentials(CloudSettings cloud) throws IOException {
        if (!cloud.tls()) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
        try {
            if (cloud.tlsCa() != null) {
                b.trustManager(cloud.tlsCa().toFile());
            }
            if (cloud.tlsCert() != null) {
                b.keyManager(cloud.tlsCert().toFile(), cloud.tlsKey().toFile());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("cannot load the TLS files of cloud.tls (" + e.getMessage() + "); give PEM files:"
                    + " ca = CA certificate, cert = client certificate, key = its PKCS#8 private key", e);
        }
        return b.build();
    }

    /** Test seam: runs on the sender thread once the model is known, before a record is taken from the spool. */
    void beforeSendForTest(Runnable hook) {
        sender.beforeSendForTest(hook);
    }

    /** What a failure callback does when the circuit opens: the model is learnt again on the next send. */
    void forgetModel() {
        sender.forgetModel();
    }

    @Override
    public void accept(PositiveFrame p) throws InterruptedException {
        long t0 = System.nanoTime();
        if (closing) {
            throw new IllegalStateException("forwarder is closed");
        }
        var f = p.frame();
        writer.put(new SpoolWriter.Frame(ForwardItem.idOf(f.camera(), f.sequence(), f.ptsMillis(),
                f.captured().toEpochMilli()), f.camera(), f.sequence(), f.ptsMillis(), f.captured().toEpochMilli(),
                f.image().clone(), detectionsJson(p)));
        acceptTimes.record(System.nanoTime() - t0);
    }

    private static String detectionsJson(PositiveFrame p) {
        ObjectNode root = JSON.createObjectNode();
        root.put("camera", p.frame().camera());
        root.put("frame", p.frame().sequence());
        root.put("pts_ms", p.frame().ptsMillis());
        root.put("width", p.frame().width());
        root.put("height", p.frame().height());
        ArrayNode dets = root.putArray("detections");
        for (Detection d : p.detections()) {
            ObjectNode o = dets.addObject();
            o.put("label", d.label());
            o.put("class_id", d.classId());
            o.put("score", Math.round(d.score() * 10_000) / 10_000.0);
            ArrayNode box = o.putArray("box");
            box.add(Math.round(d.x1() * 10) / 10.0).add(Math.round(d.y1() * 10) / 10.0)
                    .add(Math.round(d.x2() * 10) / 10.0).add(Math.round(d.y2() * 10) / 10.0);
        }
        return root.toString();
    }

    /** Median durations in ms: accept (on the pipeline's thread), JPEG encode, request round trip. */
    public Map<String, Double> timingMillis() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accept_p50", round(acceptTimes.medianMillis()));
        m.put("encode_p50", round(writer.encodeTimes().medianMillis()));
        m.put("round_trip_p50", round(sender.roundTrips().medianMillis()));
        return m;
    }

    private static Double round(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
    }

    /** Positives still in the spool after {@link #close()} (before it: now). */
    public long remaining() {
        return remainingAtClose >= 0 ? remainingAtClose : spool.pendingCount();
    }

    /** Bytes still in the spool after {@link #close()} (before it: now). */
    public long remainingBytes() {
        return remainingAtClose >= 0 ? remainingBytesAtClose : spool.pendingBytes();
    }

    /** Waits up to {@code drain} for the spool to empty, then stops; what is left is sent on the next start. */
    @Override
    public void close() throws IOException, InterruptedException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closing = true;
        try {
            writer.awaitQueued(); // every accepted frame is stored
            int waiting = spool.pendingCount();
            if (waiting > 0 && !cloud.drain().isZero()) {
                LOG.info("forwarder: waiting up to {} s for {} positives to reach the cloud",
                        cloud.drain().toSeconds(), waiting);
            }
            sender.awaitDrained(cloud.drain().toNanos());
        } finally {
            sender.stop();
            senderThread.join();
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
            sender.awaitCallbacks();
            writer.end(); // after the last callback: its acknowledgement is written
            spoolThread.join();
            finish();
        }
    }

    private void finish() throws IOException {
        remainingAtClose = spool.pendingCount();
        remainingBytesAtClose = spool.pendingBytes();
        listener.spoolBytes(remainingBytesAtClose);
        if (remainingAtClose > 0) {
            LOG.warn("forwarder: {} positives ({} bytes) were not acknowledged by the cloud and stay in the spool {};"
                    + " they are sent on the next start", remainingAtClose, remainingBytesAtClose, spool.dir());
        } else {
            LOG.info("forwarder: every positive was acknowledged by the cloud");
        }
        Map<String, Double> t = timingMillis();
        LOG.info(String.format(Locale.ROOT, "forwarder timing (median): accept %s ms, JPEG encode %s ms,"
                + " round trip %s ms", t.get("accept_p50"), t.get("encode_p50"), t.get("round_trip_p50")));
        try {
            spool.close();
        } finally {
            try {
                results.close();
            } finally {
                if (owned != null) {
                    try {
                        owned.close();
                    } catch (Exception e) {
                        LOG.warn("closing {} failed: {}", owned, e.getMessage());
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "forwarder to " + cloud.url();
    }
}
