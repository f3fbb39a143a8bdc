package io.edgecascade.cascade.forward;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.metrics.LatencyHistogram;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * <p>{@link #close(Deadline)} drains under the stop's one deadline: every frame accepted is stored (and forced to the
 * disk per the spool's policy), then it waits up to {@code cloud.drain} (and never past the deadline) for the spool to
 * empty, ends the calls on the wire and reports what remains (sent on the next start). Nothing it waits for can hold
 * it past the deadline. Records the cloud can never accept go to the {@link DeadLetters} folder beside the spool.
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
    private final EventLoopGroup eventLoop;
    private final ResultsLog results;
    private final DeadLetters deadLetters;
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
            ManagedChannel channel, EventLoopGroup eventLoop, ResultsLog results, DeadLetters deadLetters,
            AutoCloseable owned) {
        this.cloud = cloud;
        this.spool = spool;
        this.listener = listener;
        this.channel = channel;
        this.eventLoop = eventLoop;
        this.results = results;
        this.deadLetters = deadLetters;
        this.owned = owned;
        CloudSender[] s = new CloudSender[1];
        this.writer = new SpoolWriter(spool, listener, observer, results, deadLetters, cloud.model(),
                cloud.jpegQuality(), camera -> s[0].willWait(camera), () -> s[0].wake(),
                () -> s[0].deadLetterFailed());
        this.sender = new CloudSender(cloud, spool, listener, observer, channel, writer);
        s[0] = sender;
        // daemon threads: close() ends them; a disk that never answers must not keep the process from exiting
        this.spoolThread = new Thread(writer, "forward-spool");
        this.spoolThread.setDaemon(true);
        this.senderThread = new Thread(sender, "forward-send");
        this.senderThread.setDaemon(true);
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
        EventLoopGroup eventLoop = null;
        SpoolDirectory spool = null;
        ResultsLog results = null;
        try {
            results = ResultsLog.open(cloud.resultsPath(), spoolSettings.fsync() != SpoolDirectory.Fsync.NEVER);
            spool = SpoolDirectory.open(spoolSettings, listener::onEvicted);
            DeadLetters deadLetters = DeadLetters.open(spoolSettings.deadLetterDir(),
                    spoolSettings.deadLetterMaxBytes(), cloud.model(), cloud.url());
            // the channel's own event loop, ended by close(): gRPC's shared one lingers a second after its last
            // channel, and a thread waiting in epoll at exit holds the JVM's exit ~300 ms (HotSpot waits for threads
            // in native code)
            eventLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("forward-netty", true));
            var builder = NettyChannelBuilder.forTarget(cloud.target(), credentials(cloud))
                    .eventLoopGroup(eventLoop).channelType(NioSocketChannel.class)
                    .maxInboundMessageSize(64 << 20);
            if (!cloud.keepalive().isZero()) {
                // notice a dead peer (a WAN link gone, a NAT that forgot us) while a call is open and nothing comes;
                // no pings without calls, and never more often than C-core servers allow (CloudSettings)
                builder.keepAliveTime(cloud.keepalive().toMillis(), TimeUnit.MILLISECONDS)
                        .keepAliveTimeout(10, TimeUnit.SECONDS)
                        .keepAliveWithoutCalls(false);
            }
            if (cloud.authority() != null) {
                // a KServe ingress routes on the Host/:authority, not on the address it is reached at
                builder.overrideAuthority(cloud.authority());
            }
            channel = builder.build();
            Forwarder f = new Forwarder(cloud, spool, listener, observer, channel, eventLoop, results, deadLetters,
                    owned);
            listener.spoolBytes(spool.pendingBytes());
            listener.spoolAccepting(true);
            listener.cloudUp(false); // until the model has been checked
            f.spoolThread.start();
            f.senderThread.start();
            LOG.info("forwarding positives to model '{}' at {}{} ({} input, {}, up to {} in flight{}), spool {}, dead"
                    + " letters {}", cloud.model(), cloud.url(), cloud.authority() == null ? "" : " as "
                    + cloud.authority(), cloud.input().label(), cloud.mode().label(), cloud.inflight(),
                    cloud.mode() == CloudSettings.Mode.STREAM ? " per camera" : "", spoolSettings.dir(),
                    spoolSettings.deadLetterDir());
            return f;
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.shutdownNow();
            }
            if (eventLoop != null) {
                eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
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

    /** Every positive frame is encoded and sent. */
    @Override
    public boolean needsPixels(PositiveFrame p) {
        return p.positive();
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
                f.image().clone(), null, detectionsJson(f.camera(), f.sequence(), f.ptsMillis(), f.width(),
                        f.height(), p.detections(), p.tracks().trackIds(), java.util.List.of())));
        acceptTimes.record(System.nanoTime() - t0);
    }

    /**
     * Hands an already encoded frame to the spool (no second JPEG encode); blocks while the spool thread is
     * {@value SpoolWriter#HANDOFF} frames behind.
     */
    public void upload(Upload u) throws InterruptedException {
        long t0 = System.nanoTime();
        if (closing) {
            throw new IllegalStateException("forwarder is closed");
        }
        writer.put(new SpoolWriter.Frame(u.id(), u.camera(), u.sequence(), u.ptsMillis(), u.capturedMillis(), null,
                u.jpeg(), detectionsJson(u.camera(), u.sequence(), u.ptsMillis(), u.width(), u.height(),
                        u.detections(), u.trackIds(), u.eventIds())));
        acceptTimes.record(System.nanoTime() - t0);
    }

    /**
     * The request's {@value #DETECTIONS_PARAMETER} parameter: the frame, its detections with the track of each,
     * and the events the frame is sent for.
     */
    private static String detectionsJson(String camera, long sequence, long ptsMillis, int width, int height,
            java.util.List<Detection> detections, java.util.List<Long> trackIds, java.util.List<String> eventIds) {
        ObjectNode root = JSON.createObjectNode();
        root.put("camera", camera);
        root.put("frame", sequence);
        root.put("pts_ms", ptsMillis);
        root.put("width", width);
        root.put("height", height);
        ArrayNode dets = root.putArray("detections");
        for (int i = 0; i < detections.size(); i++) {
            Detection d = detections.get(i);
            ObjectNode o = dets.addObject();
            o.put("label", d.label());
            o.put("class_id", d.classId());
            o.put("score", Math.round(d.score() * 10_000) / 10_000.0);
            ArrayNode box = o.putArray("box");
            box.add(Math.round(d.x1() * 10) / 10.0).add(Math.round(d.y1() * 10) / 10.0)
                    .add(Math.round(d.x2() * 10) / 10.0).add(Math.round(d.y2() * 10) / 10.0);
            if (i < trackIds.size() && trackIds.get(i) >= 0) {
                o.put("track_id", trackIds.get(i));
            }
        }
        if (!eventIds.isEmpty()) {
            ArrayNode events = root.putArray("events");
            eventIds.forEach(events::add);
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

    /**
     * The medians of the steps that ran ({@code accept 0.1 ms, round trip 12.0 ms}); a step that never ran (no
     * frame encoded here when the frames came encoded, no answer from a cloud that was down) is left out.
     */
    public static String describeTiming(Map<String, Double> t) {
        List<String> parts = new ArrayList<>();
        for (String[] step : new String[][] {{"accept_p50", "accept"}, {"encode_p50", "JPEG encode"},
                {"round_trip_p50", "round trip"}}) {
            Double ms = t.get(step[0]);
            if (ms != null) {
                parts.add(String.format(Locale.ROOT, "%s %.1f ms", step[1], ms));
            }
        }
        return String.join(", ", parts);
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

    /** Test seam: the spool thread's hook between writing an answer and acknowledging it. */
    void beforeAckForTest(Runnable hook) {
        writer.beforeAckForTest(hook);
    }

    /**
     * Waits up to {@code cloud.drain} for the spool to empty, then stops, all within {@code cloud.drain} plus
     * {@value #CLOSE_GRACE_SECONDS} s; what is left is sent on the next start.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        close(Deadline.after(cloud.drain().plusSeconds(CLOSE_GRACE_SECONDS)));
    }

    /** Time {@link #close()} gives the steps after draining (ending calls, the last writes, closing). */
    static final int CLOSE_GRACE_SECONDS = 5;

    /**
     * Stops by {@code deadline}: every frame accepted is stored in the spool, then up to {@code cloud.drain} (never
     * past the deadline, less a share kept for the rest) goes to sending what is waiting; calls still on the wire are
     * cancelled, and once their callbacks came back (or the deadline passed) the spool is forced to the disk and
     * closed. What was not acknowledged stays in the spool and is sent on the next start.
     */
    @Override
    public void close(Deadline deadline) throws IOException, InterruptedException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closing = true;
        // what the steps after the drain may take: a fifth of the time left, at most 2 s
        long reserveNanos = Math.min(2_000_000_000L, deadline.remainingNanos() / 5);
        Deadline drainUntil = Deadline.after(java.time.Duration.ofNanos(Math.max(0,
                deadline.remainingNanos() - reserveNanos))).atMost(cloud.drain());
        boolean writerDone = false;
        try {
            // every accepted frame is stored; past the deadline (other sinks took the time) this does not wait,
            // and only frames still in the hand-off are lost, if any
            if (!writer.awaitQueued(deadline) && writer.framesWaiting() > 0) {
                LOG.error("forwarder: {} positives were not stored in the spool {} by the stop's deadline (the disk"
                        + " does not keep up); they are lost", writer.framesWaiting(), spool.dir());
            }
            int waiting = spool.pendingCount();
            if (waiting > 0 && !drainUntil.expired()) {
                LOG.info("forwarder: waiting up to {} s for {} positives to reach the cloud",
                        String.format(Locale.ROOT, "%.1f", drainUntil.remainingNanos() / 1e9), waiting);
            }
            sender.awaitDrained(drainUntil);
        } finally {
            sender.stop();
            channel.shutdownNow(); // cancels the calls on the wire and a model check in progress
            senderThread.join(Math.max(1, deadline.remainingMillis()));
            int silent = sender.awaitCallbacks(deadline);
            if (silent > 0) {
                LOG.warn("forwarder: {} requests did not report back by the stop's deadline; they stay in the spool"
                        + " and are sent again on the next start", silent);
            }
            endEventLoop(deadline);
            writer.end(); // after the last callback: its answer and acknowledgement are written
            spoolThread.join(Math.max(1, deadline.remainingMillis()));
            writerDone = !spoolThread.isAlive();
            if (!writerDone) {
                LOG.error("forwarder: the spool thread did not finish by the stop's deadline (the disk under {} does"
                        + " not answer); what it holds is replayed from the spool on the next start", spool.dir());
            }
            finish(writerDone);
        }
    }

    /**
     * Ends the channel's transport and its event-loop thread (by the deadline), so that no thread of the forwarder
     * outlives it.
     */
    private void endEventLoop(Deadline deadline) throws InterruptedException {
        if (channel.awaitTermination(Math.max(1, deadline.remainingMillis()), TimeUnit.MILLISECONDS)) {
            eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(Math.max(1, deadline.remainingMillis()));
        } else {
            eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS); // ends once the transport is gone
        }
    }

    private void finish(boolean writerDone) throws IOException {
        remainingAtClose = spool.pendingCount();
        remainingBytesAtClose = spool.pendingBytes();
        listener.spoolBytes(remainingBytesAtClose);
        if (remainingAtClose > 0) {
            LOG.warn("forwarder: {} positives ({} bytes) were not acknowledged by the cloud and stay in the spool {};"
                    + " they are sent on the next start", remainingAtClose, remainingBytesAtClose, spool.dir());
        } else {
            LOG.info("forwarder: every positive was acknowledged by the cloud");
        }
        if (deadLetters.written() > 0) {
            LOG.warn("forwarder: {} positives were given up this run and are in {} (each file says why);"
                    + " 'edge-cascade spool requeue' sends them again", deadLetters.written(), deadLetters.dir());
        }
        String timing = describeTiming(timingMillis());
        if (!timing.isEmpty()) {
            LOG.info("forwarder timing (median): {}", timing);
        }
        try {
            if (writerDone) { // else the stuck writer holds the spool's I/O lock: closing would wait for the disk
                spool.close();
            }
        } finally {
            try {
                if (writerDone) {
                    results.close();
                }
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
