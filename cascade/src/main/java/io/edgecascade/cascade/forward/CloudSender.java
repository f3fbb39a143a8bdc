package io.edgecascade.cascade.forward;

import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.Stage;
import io.edgecascade.cascade.kserve.GRPCInferenceServiceGrpc;
import io.edgecascade.cascade.kserve.ModelInferRequest;
import io.edgecascade.cascade.kserve.ModelInferResponse;
import io.edgecascade.cascade.kserve.ModelMetadataRequest;
import io.edgecascade.cascade.kserve.ModelMetadataResponse;
import io.edgecascade.cascade.kserve.ModelReadyRequest;
import io.edgecascade.cascade.kserve.Tensors;
import io.edgecascade.cascade.metrics.LatencyHistogram;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarder's <em>sender thread</em> and its gRPC callbacks: takes spooled positives oldest-first and sends
 * them as asynchronous unary ModelInfer calls, at most {@code cloud.inflight} at once and at most one per camera (so
 * each camera's frames reach the cloud in capture order even when a request fails and is sent again). An answer
 * hands the record to the {@link SpoolWriter} to be acknowledged; a failure puts it back in its place and the
 * {@link CircuitBreaker} spaces the retries. The callbacks do no I/O.
 *
 * <p>A record is dropped only for its own fault (its bytes do not parse, its JPEG does not decode); anything else
 * (the spool cannot be read now, the model is not known, a bug) leaves it spooled.
 */
final class CloudSender implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CloudSender.class);

    private final CloudSettings cloud;
    private final SpoolDirectory spool;
    private final ForwardListener listener;
    private final PipelineObserver observer;
    private final ManagedChannel channel;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub async;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking;
    private final CircuitBreaker breaker;
    private final RequestEncoder encoder;
    private final SpoolWriter writer;
    private final LatencyHistogram roundTrips = new LatencyHistogram();
    private final Object lock = new Object();

    // guarded by lock
    private int inFlight;
    /** Requests on the wire per camera: at most {@link #window} each, so every camera's frames stay in order. */
    private final java.util.Map<String, Integer> inFlightByCamera = new java.util.HashMap<>();
    private StreamCall stream;
    private boolean stopping;
    private boolean reportedDown;
    private String lastRejection;
    private boolean closedRun;

    /** The model's input as last learnt; null until the model is checked, and after the circuit opens. */
    private volatile InputSpec input;
    private volatile Runnable beforeSend = () -> { };

    CloudSender(CloudSettings cloud, SpoolDirectory spool, ForwardListener listener, PipelineObserver observer,
            ManagedChannel channel, SpoolWriter writer) {
        this.cloud = cloud;
        this.spool = spool;
        this.listener = listener;
        this.observer = observer;
        this.channel = channel;
        this.writer = writer;
        this.async = GRPCInferenceServiceGrpc.newStub(channel);
        this.blocking = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        this.breaker = new CircuitBreaker(cloud.retries() + 1,
                new Backoff(cloud.backoff(), cloud.maxBackoff(), () -> ThreadLocalRandom.current().nextDouble()),
                System::nanoTime);
        this.encoder = new RequestEncoder(cloud.model(), cloud.version());
        this.window = cloud.mode() == CloudSettings.Mode.STREAM ? cloud.inflight() : 1;
        this.totalLimit = cloud.mode() == CloudSettings.Mode.STREAM ? Integer.MAX_VALUE : cloud.inflight();
    }

    /** Requests per camera on the wire at once: 1 in unary mode, {@code inflight} on the stream. */
    private final int window;
    /** Requests of all cameras on the wire at once: {@code inflight} in unary mode; the windows on the stream. */
    private final int totalLimit;

    /** One ModelStreamInfer call and the requests sent on it, by id. */
    private record Pending(SpoolDirectory.Entry entry, ForwardItem item, long sentNanos) {
    }

    private final class StreamCall {
        final java.util.LinkedHashMap<String, Pending> pending = new java.util.LinkedHashMap<>(); // guarded by lock
        io.grpc.stub.ClientCallStreamObserver<ModelInferRequest> requests;
    }

    /** Cameras whose window is full (guarded by lock). */
    private Set<String> busyCameras() {
        Set<String> busy = new HashSet<>();
        inFlightByCamera.forEach((camera, n) -> {
            if (n >= window) {
                busy.add(camera);
            }
        });
        return busy;
    }

    /** Test seam: runs on the sender thread once the model is known, before a record is taken from the spool. */
    void beforeSendForTest(Runnable hook) {
        beforeSend = hook;
    }

    /** What a failure callback does when the circuit opens: the model is learnt again on the next send. */
    void forgetModel() {
        input = null;
    }

    /** Whether a new positive of {@code camera} will wait in the spool rather than go out at once. */
    boolean willWait(String camera) {
        synchronized (lock) {
            return breaker.state() != CircuitBreaker.State.CLOSED || inFlight >= totalLimit
                    || inFlightByCamera.getOrDefault(camera, 0) >= window || spool.unsentCount() > 0;
        }
    }

    /** Something was stored or acknowledged: look again. */
    void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    LatencyHistogram roundTrips() {
        return roundTrips;
    }

    @Override
    public void run() {
        try {
            while (true) {
                synchronized (lock) {
                    while (true) {
                        if (stopping) {
                            return;
                        }
                        cancelStreamPastDeadline();
                        if (inFlight >= totalLimit || !spool.hasUnsent(busyCameras())) {
                            lock.wait(200);
                        } else {
                            long d = breaker.delayNanos();
                            if (d == 0) {
                                break;
                            }
                            lock.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(d))));
                        }
                    }
                }
                InputSpec spec = input; // taken once: a failure callback may forget the model meanwhile
                if (spec == null && (spec = connect()) == null) {
                    continue;
                }
                beforeSend.run();
                sendNext(spec);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Checks the model and learns its input; null (and the failure counted) when the cloud cannot serve. */
    private InputSpec connect() {
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
                return null;
            }
            InputSpec spec = InputSpec.of(md, cloud.input());
            input = spec;
            breaker.onSuccess();
            recovered();
            return spec;
        } catch (IllegalArgumentException e) {
            failed(null, Status.FAILED_PRECONDITION.withDescription(e.getMessage()));
            return null;
        } catch (StatusRuntimeException e) {
            failed(null, e.getStatus());
            return null;
        }
    }

    private void sendNext(InputSpec spec) {
        SpoolDirectory.Entry e;
        synchronized (lock) {
            e = spool.poll(busyCameras());
        }
        if (e == null) {
            return;
        }
        ForwardItem item;
        ModelInferRequest request;
        try {
            byte[] bytes = spool.read(e);
            try {
                item = ForwardItem.fromBytes(bytes);
                request = encoder.encode(item, spec);
            } catch (IOException | RequestEncoder.UnusableRecord bad) {
                drop(e, bad.getMessage());
                return;
            }
        } catch (SpoolDirectory.EvictedException ex) {
            spool.release(e); // counted as evicted there
            return;
        } catch (IOException | RuntimeException ex) {
            // not the record's fault (the disk, a bug): it stays spooled and is tried again after a backoff
            spool.release(e);
            breaker.onFailure();
            LOG.error("spool {}: a stored positive of camera {} cannot be sent now ({}); it stays in the spool",
                    spool.dir(), e.tag(), ex.toString());
            return;
        }
        breaker.onSend();
        synchronized (lock) {
            inFlight++;
            inFlightByCamera.merge(e.tag(), 1, Integer::sum);
        }
        long sent = System.nanoTime();
        if (cloud.mode() == CloudSettings.Mode.STREAM) {
            sendOnStream(new Pending(e, item, sent), request);
            return;
        }
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

    // ---- stream mode ------------------------------------------------------------------------------------------

    /** Sends on the open stream (opening one first); sender thread only, as gRPC's request observer wants. */
    private void sendOnStream(Pending p, ModelInferRequest request) {
        StreamCall s;
        synchronized (lock) {
            if (stream == null) {
                stream = openStream();
            }
            s = stream;
            s.pending.put(p.item().id(), p);
        }
        try {
            s.requests.onNext(request);
        } catch (RuntimeException ex) {
            streamFailed(s, Status.fromThrowable(ex));
        }
    }

    /** Lock held. */
    private StreamCall openStream() {
        StreamCall s = new StreamCall();
        s.requests = (io.grpc.stub.ClientCallStreamObserver<ModelInferRequest>) async.modelStreamInfer(
                new StreamObserver<io.edgecascade.cascade.kserve.ModelStreamInferResponse>() {
                    @Override
                    public void onNext(io.edgecascade.cascade.kserve.ModelStreamInferResponse r) {
                        answered(s, r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        streamFailed(s, Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        streamFailed(s, Status.UNAVAILABLE.withDescription("the server ended the stream"));
                    }
                });
        return s;
    }

    private void answered(StreamCall s, io.edgecascade.cascade.kserve.ModelStreamInferResponse r) {
        String id = r.getInferResponse().getId();
        Pending p;
        synchronized (lock) {
            p = s.pending.remove(id);
        }
        if (p == null) {
            streamFailed(s, Status.INTERNAL.withDescription("the server answered garbage: an answer for request id '"
                    + id + "', which is not in flight on the stream"));
            return;
        }
        if (!r.getErrorMessage().isEmpty()) {
            done(p.entry(), p.item(), null, Status.UNKNOWN.withDescription(r.getErrorMessage()), p.sentNanos());
            // the frames sent after it on the stream must not overtake its retry: start over from the spool
            streamFailed(s, Status.ABORTED.withDescription("a request on the stream failed: " + r.getErrorMessage()));
            return;
        }
        done(p.entry(), p.item(), r.getInferResponse(), null, p.sentNanos());
    }

    /** Ends the stream: every request still on it goes back to its place in the spool. */
    private void streamFailed(StreamCall s, Status status) {
        List<Pending> lost;
        synchronized (lock) {
            if (stream == s) {
                stream = null;
            }
            lost = new java.util.ArrayList<>(s.pending.values());
            s.pending.clear();
        }
        try {
            s.requests.cancel("edge-cascade ends the stream: " + status, null);
        } catch (RuntimeException ignored) {
            // already ended
        }
        boolean first = true;
        for (Pending p : lost) {
            // one failure counts for the breaker and the log; the others only go back to the spool
            done(p.entry(), p.item(), null, first ? status : null, p.sentNanos(), !first);
            first = false;
        }
    }

    /** Lock held: a stream whose oldest request waits past the deadline is cancelled (its requests go back). */
    private void cancelStreamPastDeadline() {
        StreamCall s = stream;
        if (s == null || s.pending.isEmpty()) {
            return;
        }
        Pending oldest = s.pending.values().iterator().next();
        if (System.nanoTime() - oldest.sentNanos() > cloud.deadline().toNanos()) {
            // the lock is reentrant; the cancelled call's own callback arrives later and finds nothing pending
            streamFailed(s, Status.DEADLINE_EXCEEDED.withDescription("no answer on the stream within"
                    + " cloud.deadline_ms"));
        }
    }

    /** The record itself is unusable: it can never be sent, so it is acknowledged (deleted) and said so. */
    private void drop(SpoolDirectory.Entry e, String why) {
        LOG.error("spool {}: a stored positive of camera {} is unusable ({}); it is dropped", spool.dir(), e.tag(),
                why);
        listener.onError(e.tag());
        writer.delivered(new SpoolWriter.Delivered(e, null, null, 0));
    }

    private void done(SpoolDirectory.Entry e, ForwardItem item, ModelInferResponse response, Status error, long sent) {
        done(e, item, response, error, sent, false);
    }

    /** @param releaseOnly the request ended with its stream: back to the spool, not counted as a failure */
    private void done(SpoolDirectory.Entry e, ForwardItem item, ModelInferResponse response, Status error, long sent,
            boolean releaseOnly) {
        long rtt = System.nanoTime() - sent;
        try {
            if (releaseOnly) {
                spool.release(e);
                return;
            }
            if (error == null) {
                String garbage = check(response, item);
                if (garbage != null) {
                    error = Status.INTERNAL.withDescription("the server answered garbage: " + garbage);
                }
            }
            if (error != null) {
                spool.release(e);
                boolean stop;
                synchronized (lock) {
                    stop = stopping;
                }
                if (!stop) {
                    failed(item.camera(), error);
                }
                return;
            }
            writer.delivered(new SpoolWriter.Delivered(e, item, response, rtt));
            breaker.onSuccess();
            roundTrips.record(rtt);
            observer.stage(item.camera(), Stage.FORWARD, rtt);
            listener.onAcked(item.camera());
            recovered();
        } finally {
            synchronized (lock) {
                inFlight--;
                inFlightByCamera.computeIfPresent(e.tag(), (camera, n) -> n > 1 ? n - 1 : null);
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
            } else if (!closedRun && input != null && roundTrips.count() == 0) {
                listener.cloudUp(true);
            }
        }
    }

    /** Waits up to {@code nanos} for the spool to empty (the writer acknowledges meanwhile). */
    void awaitDrained(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        synchronized (lock) {
            long left;
            while (spool.pendingCount() > 0 && (left = deadline - System.nanoTime()) > 0) {
                lock.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /** Stops sending; calls still on the wire are left to {@link #awaitCallbacks()}. */
    void stop() {
        synchronized (lock) {
            stopping = true;
            closedRun = true;
            lock.notifyAll();
        }
    }

    /** Waits for the callbacks of the calls cancelled by the channel's shutdown. */
    void awaitCallbacks() throws InterruptedException {
        synchronized (lock) {
            while (inFlight > 0) {
                lock.wait(100); // cancelled calls report back quickly; their frames stay spooled
            }
        }
    }
}
