package io.edgecascade.cascade.forward;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.edgecascade.cascade.cloud.Tensors;
import io.edgecascade.cascade.detect.Detection;
import io.edgecascade.cascade.kserve.GRPCInferenceServiceGrpc;
import io.edgecascade.cascade.kserve.InferParameter;
import io.edgecascade.cascade.kserve.InferTensorContents;
import io.edgecascade.cascade.kserve.ModelInferRequest;
import io.edgecascade.cascade.kserve.ModelInferResponse;
import io.edgecascade.cascade.kserve.ModelMetadataRequest;
import io.edgecascade.cascade.kserve.ModelMetadataResponse;
import io.edgecascade.cascade.kserve.ModelReadyRequest;
import io.edgecascade.cascade.pipeline.FrameSink;
import io.edgecascade.cascade.pipeline.PipelineObserver;
import io.edgecascade.cascade.pipeline.PositiveFrame;
import io.edgecascade.cascade.pipeline.Stage;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards every positive frame to a KServe v2 model server (OVMS, Triton, {@code edge-cascade cloud}) and
 * loses none: store-and-forward through a {@link SpoolDirectory}.
 *
 * <p>Path of a frame: {@link #accept} (on the pipeline's output thread) copies the pixels and hands them to the
 * forwarder's <em>spool thread</em>, which JPEG-encodes the frame and appends it to the spool (write-ahead: a
 * frame is on disk before it is sent, so a crash or an outage loses nothing). The <em>sender thread</em> takes
 * spooled frames oldest-first and sends them as asynchronous ModelInfer calls, at most {@code inflight} at once,
 * each with a deadline; an answer deletes the frame from the spool and its outputs go to the results file. A
 * failed call puts the frame back in its place, and the {@link CircuitBreaker} spaces the retries (exponential
 * backoff with jitter; open circuit with a probe when the server is down). The capture and detector threads never
 * wait on the network; the output thread waits only when the spool thread is {@value #HANDOFF} frames behind.
 *
 * <p>{@link #close()} drains: it waits up to {@code drain} for the spool to empty, then reports what remains
 * (sent on the next start).
 */
public final class Forwarder implements FrameSink {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int HANDOFF = 16;
    /** Request parameter carrying the edge's detections (JSON). */
    public static final String DETECTIONS_PARAMETER = "edge_detections";

    private record Handoff(String id, String camera, long sequence, long ptsMillis, long capturedMillis, Mat image,
            String detectionsJson) {
    }

    private static final Handoff END = new Handoff("", "", 0, 0, 0, null, "");

    /** The model's input as the sender will fill it. */
    private record InputSpec(String name, String datatype, List<Long> shape) {
    }

    private final CloudSettings cloud;
    private final SpoolDirectory spool;
    private final ForwardListener listener;
    private final PipelineObserver observer;
    private final ManagedChannel channel;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub async;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking;
    private final CircuitBreaker breaker;
    private final BufferedWriter results;
    private final AutoCloseable owned;
    private final BlockingQueue<Handoff> handoff = new ArrayBlockingQueue<>(HANDOFF);
    private final Object lock = new Object();
    private final Thread spoolThread;
    private final Thread senderThread;
    private final LatencyRecorder acceptTimes = new LatencyRecorder(8192);
    private final LatencyRecorder encodeTimes = new LatencyRecorder(8192);
    private final LatencyRecorder roundTrips = new LatencyRecorder(8192);
    private final int[] jpegQuality;

    // guarded by lock
    private int inFlight;
    /**
     * Cameras with a request on the wire. Each camera has at most one, so its frames reach the cloud in capture
     * order even when a request fails and is sent again; {@code cloud.inflight} bounds all cameras together.
     */
    private final java.util.Set<String> camerasInFlight = new java.util.HashSet<>();
    private volatile boolean closing;
    private volatile boolean stopping;
    private boolean closed;

    // sender state (sender thread, and gRPC callbacks for the reporting flags under lock)
    private volatile InputSpec input;
    private boolean reportedDown;
    private String lastRejection;
    private long storeFailures;
    private boolean storeFailing;
    private long remainingAtClose = -1;
    private long remainingBytesAtClose;

    private Forwarder(CloudSettings cloud, SpoolDirectory spool, ForwardListener listener, PipelineObserver observer,
            ManagedChannel channel, BufferedWriter results, AutoCloseable owned) {
        this.cloud = cloud;
        this.spool = spool;
        this.listener = listener;
        this.observer = observer;
        this.channel = channel;
        this.async = GRPCInferenceServiceGrpc.newStub(channel);
        this.blocking = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        this.breaker = new CircuitBreaker(cloud.retries() + 1,
                new Backoff(cloud.backoff(), cloud.maxBackoff(), () -> ThreadLocalRandom.current().nextDouble()),
                System::nanoTime);
        this.results = results;
        this.owned = owned;
        this.jpegQuality = new int[] {IMWRITE_JPEG_QUALITY, cloud.jpegQuality()};
        this.spoolThread = new Thread(this::spoolLoop, "forward-spool");
        this.senderThread = new Thread(this::sendLoop, "forward-send");
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
        BufferedWriter results = null;
        try {
            results = openResults(cloud.resultsPath());
            spool = SpoolDirectory.open(spoolSettings, listener::onEvicted);
            channel = Grpc.newChannelBuilder(cloud.target(), credentials(cloud))
                    .maxInboundMessageSize(64 << 20)
                    .build();
            Forwarder f = new Forwarder(cloud, spool, listener, observer, channel, results, owned);
            listener.spoolBytes(spool.pendingBytes());
            listener.spoolAccepting(true);
            listener.cloudUp(false); // until the model has been checked
            f.spoolThread.start();
            f.senderThread.start();
            LOG.info("forwarding positives to model '{}' at {} ({} input, up to {} in flight), spool {}",
                    cloud.model(), cloud.url(), cloud.input().label(), cloud.inflight(), spoolSettings.dir());
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

    private static BufferedWriter openResults(Path path) throws IOException {
        if (path == null) {
            return null;
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot write cloud results file " + path + " (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); set cloud.results_path to a writable location", e);
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

    @Override
    public void accept(PositiveFrame p) throws InterruptedException {
        long t0 = System.nanoTime();
        if (closing) {
            throw new IllegalStateException("forwarder is closed");
        }
        var f = p.frame();
        Handoff h = new Handoff(ForwardItem.idOf(f.camera(), f.sequence(), f.ptsMillis(), f.captured().toEpochMilli()),
                f.camera(), f.sequence(), f.ptsMillis(), f.captured().toEpochMilli(), f.image().clone(),
                detectionsJson(p));
        handoff.put(h);
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

    // ---- spool thread: encode and store --------------------------------------------------------------------

    private void spoolLoop() {
        try {
            while (true) {
                Handoff h = handoff.take();
                if (h == END) {
                    return;
                }
                try {
                    store(h);
                } catch (RuntimeException e) {
                    // keep the thread alive: the output thread must never block on a dead hand-off
                    storeFailed(h.camera(), e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void store(Handoff h) {
        byte[] jpeg;
        long t0 = System.nanoTime();
        try (Mat image = h.image(); BytePointer buf = new BytePointer();
                IntPointer params = new IntPointer(jpegQuality)) {
            if (!imencode(".jpg", image, buf, params)) {
                storeFailed(h.camera(), "JPEG encoding failed");
                return;
            }
            jpeg = new byte[(int) buf.limit()];
            buf.get(jpeg);
        }
        long encode = System.nanoTime() - t0;
        encodeTimes.record(encode);
        observer.stage(h.camera(), Stage.ENCODE, encode);
        ForwardItem item = new ForwardItem(h.id(), h.camera(), h.sequence(), h.ptsMillis(), h.capturedMillis(),
                h.detectionsJson(), jpeg);
        boolean mustWait;
        synchronized (lock) {
            mustWait = breaker.state() != CircuitBreaker.State.CLOSED || inFlight >= cloud.inflight()
                    || camerasInFlight.contains(h.camera()) || spool.unsentCount() > 0;
        }
        try {
            if (spool.append(h.camera(), item.toBytes())) {
                if (storeFailing) {
                    storeFailing = false;
                    listener.spoolAccepting(true);
                    LOG.info("spool {} stores positives again", spool.dir());
                }
                if (mustWait) {
                    listener.onSpooled(h.camera());
                }
                listener.spoolBytes(spool.pendingBytes());
            }
        } catch (IOException e) {
            storeFailed(h.camera(), e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        }
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private void storeFailed(String camera, String why) {
        listener.onError(camera);
        if (!storeFailing) {
            storeFailing = true;
            listener.spoolAccepting(false);
        }
        storeFailures++;
        if (storeFailures == 1 || storeFailures % 100 == 0) {
            LOG.error("spool {} cannot store a positive of camera {} ({}); {} lost so far: free disk space, fix the"
                    + " folder's permissions or lower spool.max_bytes", spool.dir(), camera, why, storeFailures);
        }
    }

    // ---- sender thread ---------------------------------------------------------------------------------------

    private void sendLoop() {
        long lastFlush = System.nanoTime();
        try {
            while (true) {
                synchronized (lock) {
                    while (true) {
                        if (stopping) {
                            return;
                        }
                        if (inFlight >= cloud.inflight() || !spool.hasUnsent(camerasInFlight)) {
                            lock.wait(200);
                        } else {
                            long d = breaker.delayNanos();
                            if (d == 0) {
                                break;
                            }
                            lock.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(d))));
                        }
                        if (System.nanoTime() - lastFlush > 1_000_000_000L) {
                            flushSpool();
                            lastFlush = System.nanoTime();
                        }
                    }
                }
                if (input == null && !connect()) {
                    continue;
                }
                sendNext();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void flushSpool() {
        try {
            spool.flush();
        } catch (IOException e) {
            LOG.warn("spool {}: flushing to disk failed: {}", spool.dir(), e.getMessage());
        }
    }

    /** Checks the model and learns its input; false (and the failure counted) when the cloud cannot serve. */
    private boolean connect() {
        breaker.onSend();
        channel.resetConnectBackoff();
        var stub = blocking.withDeadlineAfter(Math.min(cloud.deadline().toMillis(), 5000), TimeUnit.MILLISECONDS);
        try {
            ModelMetadataResponse md = stub.modelMetadata(ModelMetadataRequest.newBuilder().setName(cloud.model())
                    .setVersion(cloud.version()).build());
            boolean ready = stub.modelReady(ModelReadyRequest.newBuilder().setName(cloud.model())
                    .setVersion(cloud.version()).build()).getReady();
            if (!ready) {
                failed(null, Status.FAILED_PRECONDITION.withDescription("the server says the model is not ready"));
                return false;
            }
            InputSpec spec = inputSpec(md);
            if (spec == null) {
                return false;
            }
            input = spec;
            breaker.onSuccess();
            recovered();
            return true;
        } catch (StatusRuntimeException e) {
            failed(null, e.getStatus());
            return false;
        }
    }

    private InputSpec inputSpec(ModelMetadataResponse md) {
        if (md.getInputsCount() != 1) {
            failed(null, Status.FAILED_PRECONDITION.withDescription("the model has " + md.getInputsCount()
                    + " inputs; edge-cascade sends one image input"));
            return null;
        }
        ModelMetadataResponse.TensorMetadata in = md.getInputs(0);
        if (cloud.input() == CloudSettings.InputMode.BINARY) {
            return new InputSpec(in.getName(), "BYTES", List.of(1L));
        }
        List<Long> s = in.getShapeList();
        boolean nchw = "FP32".equals(in.getDatatype()) && s.size() == 4 && s.get(0) == 1 && s.get(1) == 3
                && s.get(2) > 0 && s.get(3) > 0;
        boolean nhwc = "UINT8".equals(in.getDatatype()) && s.size() == 4 && s.get(0) == 1 && s.get(3) == 3;
        if (!nchw && !nhwc) {
            failed(null, Status.FAILED_PRECONDITION.withDescription("input '" + in.getName() + "' is "
                    + in.getDatatype() + " " + s + "; cloud.input: tensor sends FP32 [1,3,H,W] or UINT8 [1,H,W,3]"
                    + " (use cloud.input: binary for this model)"));
            return null;
        }
        return new InputSpec(in.getName(), in.getDatatype(), s);
    }

    private void sendNext() {
        SpoolDirectory.Entry e;
        synchronized (lock) {
            e = spool.poll(camerasInFlight);
        }
        if (e == null) {
            return;
        }
        ForwardItem item;
        ModelInferRequest request;
        try {
            item = ForwardItem.fromBytes(spool.read(e));
            request = request(item, input);
        } catch (SpoolDirectory.EvictedException ex) {
            spool.release(e); // counted as evicted there
            return;
        } catch (IOException | RuntimeException ex) {
            LOG.error("spool {}: a stored positive cannot be read ({}); it is dropped", spool.dir(), ex.getMessage());
            try {
                spool.ack(e);
            } catch (IOException ignored) {
                // the record is gone from memory; a restart finds it again and fails the same way
            }
            return;
        }
        breaker.onSend();
        synchronized (lock) {
            inFlight++;
            camerasInFlight.add(e.tag());
        }
        long sent = System.nanoTime();
        async.withDeadlineAfter(cloud.deadline().toMillis(), TimeUnit.MILLISECONDS)
                .modelInfer(request, new StreamObserver<>() {
                    private ModelInferResponse response;

                    @Override
                    public void onNext(ModelInferResponse r) {
                        response = r;
                    }

                    @Override
                    public void onError(Throwable t) {
                        done(e, item, null, Status.fromThrowable(t), sent);
                    }

                    @Override
                    public void onCompleted() {
                        done(e, item, response, null, sent);
                    }
                });
    }

    private ModelInferRequest request(ForwardItem item, InputSpec spec) {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder()
                .setModelName(cloud.model())
                .setModelVersion(cloud.version())
                .setId(item.id())
                .putParameters(DETECTIONS_PARAMETER,
                        InferParameter.newBuilder().setStringParam(item.detectionsJson()).build());
        if ("BYTES".equals(spec.datatype())) {
            b.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(spec.name()).setDatatype("BYTES")
                    .addShape(1)
                    .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.copyFrom(item.jpeg()))));
            return b.build();
        }
        try (Mat encoded = new Mat(item.jpeg()); Mat bgr = imdecode(encoded, IMREAD_COLOR)) {
            if (bgr.empty()) {
                throw new IllegalArgumentException("stored JPEG does not decode");
            }
            List<Long> s = spec.shape();
            ByteString raw;
            List<Long> shape;
            if ("FP32".equals(spec.datatype())) {
                int h = (int) (long) s.get(2);
                int w = (int) (long) s.get(3);
                raw = planarFloats(bgr, w, h);
                shape = List.of(1L, 3L, (long) h, (long) w);
            } else {
                int h = s.get(1) > 0 ? (int) (long) s.get(1) : bgr.rows();
                int w = s.get(2) > 0 ? (int) (long) s.get(2) : bgr.cols();
                raw = pixels(bgr, w, h);
                shape = List.of(1L, (long) h, (long) w, 3L);
            }
            b.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(spec.name())
                    .setDatatype(spec.datatype()).addAllShape(shape));
            b.addRawInputContents(raw);
            return b.build();
        }
    }

    private static ByteString pixels(Mat bgr, int w, int h) {
        try (Mat sized = resized(bgr, w, h)) {
            byte[] px = new byte[w * h * 3];
            sized.data().get(px);
            return ByteString.copyFrom(px);
        }
    }

    private static ByteString planarFloats(Mat bgr, int w, int h) {
        try (Mat sized = resized(bgr, w, h)) {
            byte[] px = new byte[w * h * 3];
            sized.data().get(px);
            ByteBuffer out = ByteBuffer.allocate(px.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            int plane = w * h;
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < plane; i++) {
                    out.putFloat(px[i * 3 + c] & 0xff);
                }
            }
            return ByteString.copyFrom(out.flip());
        }
    }

    private static Mat resized(Mat bgr, int w, int h) {
        Mat out = new Mat();
        if (bgr.cols() == w && bgr.rows() == h) {
            bgr.copyTo(out);
        } else {
            try (Size size = new Size(w, h)) {
                resize(bgr, out, size, 0, 0, INTER_LINEAR);
            }
        }
        return out;
    }

    private void done(SpoolDirectory.Entry e, ForwardItem item, ModelInferResponse response, Status error, long sent) {
        long rtt = System.nanoTime() - sent;
        try {
            if (error == null) {
                String garbage = check(response, item);
                if (garbage != null) {
                    error = Status.INTERNAL.withDescription("the server answered garbage: " + garbage);
                }
            }
            if (error != null) {
                spool.release(e);
                if (!stopping) {
                    failed(item.camera(), error);
                }
                return;
            }
            try {
                spool.ack(e);
            } catch (IOException ex) {
                LOG.warn("spool {}: recording a delivery failed ({}); the frame may be sent again after a restart",
                        spool.dir(), ex.getMessage());
            }
            breaker.onSuccess();
            roundTrips.record(rtt);
            observer.stage(item.camera(), Stage.FORWARD, rtt);
            listener.onAcked(item.camera());
            listener.spoolBytes(spool.pendingBytes());
            writeResult(item, response, rtt);
            recovered();
        } finally {
            synchronized (lock) {
                inFlight--;
                camerasInFlight.remove(e.tag());
                lock.notifyAll();
            }
        }
    }

    /** Null when the response is usable, else what is wrong with it. */
    private static String check(ModelInferResponse r, ForwardItem item) {
        if (r == null) {
            return "no response message";
        }
        if (!r.getId().isEmpty() && !r.getId().equals(item.id())) {
            return "response id '" + r.getId() + "' does not match request id '" + item.id() + "'";
        }
        try {
            for (int i = 0; i < r.getOutputsCount(); i++) {
                Tensors.outputValues(r, i);
            }
        } catch (IllegalArgumentException ex) {
            return ex.getMessage();
        }
        return null;
    }

    private void writeResult(ForwardItem item, ModelInferResponse r, long rtt) {
        if (results == null) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("id", item.id());
        line.put("camera", item.camera());
        line.put("frame", item.sequence());
        line.put("pts_ms", item.ptsMillis());
        line.put("model", r.getModelName().isEmpty() ? cloud.model() : r.getModelName());
        line.put("model_version", r.getModelVersion());
        line.put("round_trip_ms", Math.round(rtt / 1e4) / 100.0);
        Map<String, Object> outputs = new LinkedHashMap<>();
        for (int i = 0; i < r.getOutputsCount(); i++) {
            var t = r.getOutputs(i);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("datatype", t.getDatatype());
            o.put("shape", t.getShapeList());
            o.put("data", Tensors.outputValues(r, i));
            outputs.put(t.getName(), o);
        }
        line.put("outputs", outputs);
        try {
            String text = JSON.writeValueAsString(line);
            synchronized (results) {
                results.write(text);
                results.newLine();
                results.flush();
            }
        } catch (IOException ex) {
            LOG.warn("cannot write cloud results file {}: {}", cloud.resultsPath(), ex.getMessage());
        }
    }

    private static boolean unreachable(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.ABORTED
                || code == Status.Code.CANCELLED;
    }

    private void failed(String camera, Status status) {
        boolean opened = breaker.onFailure();
        if (camera != null) {
            listener.onError(camera);
        }
        String what = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
        synchronized (lock) {
            if (opened) {
                input = null; // learn the model again when the server is back: it may have changed
                listener.cloudUp(false);
            }
            if (unreachable(status.getCode())) {
                if (!reportedDown) {
                    reportedDown = true;
                    LOG.warn("cloud {} is unreachable ({}); positives wait in the spool {} and are sent when it is"
                            + " back", cloud.url(), what, spool.dir());
                }
            } else if (!what.equals(lastRejection)) {
                lastRejection = what;
                String version = cloud.version().isEmpty() ? "" : " version " + cloud.version();
                LOG.error("cloud {} rejects model '{}'{} ({}); check cloud.model, cloud.version and cloud.input;"
                        + " the positives stay in the spool {}", cloud.url(), cloud.model(), version, what,
                        spool.dir());
            }
        }
    }

    private void recovered() {
        synchronized (lock) {
            if (reportedDown || lastRejection != null) {
                LOG.info("cloud {} answers again: sending the {} positives waiting in the spool", cloud.url(),
                        spool.pendingCount());
                reportedDown = false;
                lastRejection = null;
                listener.cloudUp(true);
            } else if (remainingAtClose < 0 && input != null && roundTrips.count() == 0) {
                listener.cloudUp(true);
            }
        }
    }

    // ---- end of run ------------------------------------------------------------------------------------------

    /** Median durations in ms: accept (on the pipeline's thread), JPEG encode, request round trip. */
    public Map<String, Double> timingMillis() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accept_p50", round(acceptTimes.medianMillis()));
        m.put("encode_p50", round(encodeTimes.medianMillis()));
        m.put("round_trip_p50", round(roundTrips.medianMillis()));
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
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closing = true;
        handoff.put(END);
        spoolThread.join();
        long deadline = System.nanoTime() + cloud.drain().toNanos();
        int waiting = spool.pendingCount();
        if (waiting > 0 && !cloud.drain().isZero()) {
            LOG.info("forwarder: waiting up to {} s for {} positives to reach the cloud", cloud.drain().toSeconds(),
                    waiting);
        }
        synchronized (lock) {
            long left;
            while (spool.pendingCount() > 0 && (left = deadline - System.nanoTime()) > 0) {
                lock.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
            }
            stopping = true;
            lock.notifyAll();
        }
        senderThread.join();
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        synchronized (lock) {
            while (inFlight > 0) {
                lock.wait(100); // cancelled calls report back quickly; their frames stay spooled
            }
        }
        remainingAtClose = spool.pendingCount();
        remainingBytesAtClose = spool.pendingBytes();
        listener.spoolBytes(remainingBytesAtClose);
        if (remainingAtClose > 0) {
            LOG.warn("forwarder: {} positives ({} bytes) were not acknowledged by the cloud and stay in the spool {};"
                    + " they are sent on the next start", remainingAtClose, remainingBytesAtClose, spool.dir());
        } else {
            LOG.info("forwarder: every positive was acknowledged by the cloud");
        }
        LOG.info(String.format(Locale.ROOT, "forwarder timing (median): accept %s ms, JPEG encode %s ms,"
                + " round trip %s ms", timingMillis().get("accept_p50"), timingMillis().get("encode_p50"),
                timingMillis().get("round_trip_p50")));
        try {
            spool.close();
            if (results != null) {
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

    @Override
    public String toString() {
        return "forwarder to " + cloud.url();
    }
}
