package io.edgecascade.cascade.forward;

import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.Stage;
import io.edgecascade.cascade.kserve.GRPCInferenceServiceGrpc;
import io.edgecascade.cascade.kserve.ModelInferRequest;
import io.edgecascade.cascade.kserve.ModelInferResponse;
import io.edgecascade.cascade.kserve.ModelMetadataRequest;
import io.edgecascade.cascade.kserve.ModelMetadataResponse;
import io.edgecascade.cascade.kserve.ModelReadyRequest;
import io.edgecascade.cascade.kserve.ModelStreamInferResponse;
import io.edgecascade.cascade.kserve.Tensors;
import io.edgecascade.cascade.metrics.LatencyHistogram;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarder's <em>sender thread</em> and its gRPC callbacks: takes spooled positives oldest-first and sends
 * them as asynchronous unary ModelInfer calls, at most {@code cloud.inflight} at once and at most one per camera (so
 * each camera's frames reach the cloud in capture order even when a request fails and is sent again), or on one
 * ModelStreamInfer stream ({@code cloud.mode: stream}). An answer hands the record to the {@link SpoolWriter} to be
 * acknowledged; a failure puts it back in its place and the {@link CircuitBreaker} spaces the retries. The callbacks
 * do no I/O.
 *
 * <p>Each failure counts the way {@link FailureKind} says: against the cloud (the record waits however long the
 * outage lasts), as an attempt of the record, or for good. A record the server can never accept, or whose attempts
 * reach {@code cloud.max_attempts}, goes to the dead-letter folder (through the spool thread) and its camera moves
 * on; so does a record that cannot be read or encoded. An answer for a request that is not in flight (a repeated or
 * late answer) is logged and ignored: it never ends the stream.
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
    private final OccasionalLog strayAnswers = new OccasionalLog();
    private final Object lock = new Object();

    /** Requests per camera on the wire at once: 1 in unary mode, {@code inflight} on the stream. */
    private final int window;
    /** Requests of all cameras on the wire at once: {@code inflight} in unary mode; the windows on the stream. */
    private final int totalLimit;

    // guarded by lock
    private int inFlight;
    /** Requests on the wire per camera: at most {@link #window} each, so every camera's frames stay in order. */
    private final Map<String, Integer> inFlightByCamera = new HashMap<>();
    /** Records the server said NOT_FOUND (or FAILED_PRECONDITION) for, with the model check they were sent under. */
    private final Map<Long, Long> recheckedUnder = new HashMap<>();
    private StreamCall stream;
    private long modelChecks;
    private boolean stopping;
    private boolean reportedDown;
    private String lastRejection;
    private boolean closedRun;

    /** The model's input as last learnt; null until the model is checked, and after the circuit opens. */
    private volatile Model model;
    private volatile Runnable beforeSend = () -> { };

    /** The model's input, and which check of the model learnt it. */
    private record Model(InputSpec input, long check) {
    }

    /**
     * A request on the wire.
     *
     * @param check the model check it was sent under
     * @param sent  what the transport sent of its call
     * @param index its place among the call's messages (0 for a unary call)
     */
    private record Pending(SpoolDirectory.Entry entry, ForwardItem item, long sentNanos, long check, SentMessages sent,
            long index) {

        /** Whether the request left the edge (a call that failed while connecting never sent it). */
        boolean reachedServer() {
            return sent.sent(index);
        }
    }

    /** One ModelStreamInfer call and the requests sent on it. */
    private static final class StreamCall {
        final InFlightTable<Pending> pending = new InFlightTable<>(p -> p.entry().key(), p -> p.item().id());
        final SentMessages sent = new SentMessages();
        ClientCallStreamObserver<ModelInferRequest> requests;
        long messages; // handed to the call so far (sender thread)
    }

    CloudSender(CloudSettings cloud, SpoolDirectory spool, ForwardListener listener, PipelineObserver observer,
            ManagedChannel channel, SpoolWriter writer) {
        this.cloud = cloud;
        this.spool = spool;
        this.listener = listener;
        this.observer = observer;
        this.channel = channel;
        this.writer = writer;
        this.async = GRPCInferenceServiceGrpc.newStub(ClientInterceptors.intercept(channel,
                SentMessages.INTERCEPTOR));
        this.blocking = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        this.breaker = new CircuitBreaker(cloud.retries() + 1,
                new Backoff(cloud.backoff(), cloud.maxBackoff(), () -> ThreadLocalRandom.current().nextDouble()),
                System::nanoTime);
        this.encoder = new RequestEncoder(cloud.model(), cloud.version());
        this.window = cloud.mode() == CloudSettings.Mode.STREAM ? cloud.inflight() : 1;
        this.totalLimit = cloud.mode() == CloudSettings.Mode.STREAM ? Integer.MAX_VALUE : cloud.inflight();
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
        model = null;
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
                Model m = model; // taken once: a failure callback may forget the model meanwhile
                if (m == null && (m = connect()) == null) {
                    continue;
                }
                beforeSend.run();
                sendNext(m);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Checks the model and learns its input; null (and the failure counted) when the cloud cannot serve. */
    private Model connect() {
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
            Model m;
            synchronized (lock) {
                m = new Model(spec, ++modelChecks);
            }
            model = m;
            breaker.onSuccess();
            recovered();
            return m;
        } catch (IllegalArgumentException e) {
            failed(null, Status.FAILED_PRECONDITION.withDescription(e.getMessage()));
            return null;
        } catch (StatusRuntimeException e) {
            failed(null, e.getStatus());
            return null;
        }
    }

    private void sendNext(Model m) {
        SpoolDirectory.Entry e;
        synchronized (lock) {
            e = spool.poll(busyCameras());
        }
        if (e == null) {
            return;
        }
        ForwardItem item = null;
        ModelInferRequest request;
        byte[] bytes;
        try {
            bytes = spool.read(e);
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
        try {
            item = ForwardItem.fromBytes(bytes);
            request = encoder.encode(item, m.input());
        } catch (IOException | RequestEncoder.UnusableRecord bad) {
            unusable(e, bytes, item, bad.getMessage());
            return;
        }
        breaker.onSend();
        long sent = System.nanoTime();
        synchronized (lock) {
            inFlight++;
            inFlightByCamera.merge(e.tag(), 1, Integer::sum);
        }
        if (cloud.mode() == CloudSettings.Mode.STREAM) {
            sendOnStream(e, item, sent, m.check(), request);
            return;
        }
        Pending p = new Pending(e, item, sent, m.check(), new SentMessages(), 0);
        p.sent().attach(async).withDeadlineAfter(cloud.deadline().toMillis(), TimeUnit.MILLISECONDS)
                .modelInfer(request, new StreamObserver<>() {
                    private ModelInferResponse response;

                    @Override
                    public void onNext(ModelInferResponse r) {
                        response = r;
                    }

                    @Override
                    public void onError(Throwable t) {
                        done(p, null, Status.fromThrowable(t), false);
                    }

                    @Override
                    public void onCompleted() {
                        done(p, response, null, false);
                    }
                });
    }

    // ---- stream mode ------------------------------------------------------------------------------------------

    /** Sends on the open stream (opening one first); sender thread only, as gRPC's request observer wants. */
    private void sendOnStream(SpoolDirectory.Entry e, ForwardItem item, long sentNanos, long check,
            ModelInferRequest request) {
        StreamCall s;
        synchronized (lock) {
            if (stream == null) {
                stream = openStream();
            }
            s = stream;
            s.pending.add(new Pending(e, item, sentNanos, check, s.sent, s.messages++)); // a record is out once
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
        s.requests = (ClientCallStreamObserver<ModelInferRequest>) s.sent.attach(async).modelStreamInfer(
                new StreamObserver<ModelStreamInferResponse>() {
                    @Override
                    public void onNext(ModelStreamInferResponse r) {
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

    private void answered(StreamCall s, ModelStreamInferResponse r) {
        String id = r.getInferResponse().getId();
        Pending p;
        synchronized (lock) {
            // a server that does not echo ids answers in order: an answer without one settles the oldest request
            p = id.isEmpty() ? s.pending.answer(s.pending.isEmpty() ? "" : s.pending.oldest().item().id())
                    : s.pending.answer(id);
        }
        if (p == null) {
            long skipped = strayAnswers.occurred();
            if (skipped >= 0) {
                LOG.warn("cloud {} answered request id '{}', which is not in flight on the stream (a repeated or late"
                        + " answer); it is ignored{}", cloud.url(), id, OccasionalLog.more(skipped));
            }
            return;
        }
        boolean failed = !r.getErrorMessage().isEmpty();
        boolean again = failed ? done(p, null, FailureKind.ofStreamError(r.getErrorMessage()), false)
                : done(p, r.getInferResponse(), null, false); // a garbage answer is a failure too
        if (again) {
            // the frames sent after it on the stream must not overtake its retry: start over from the spool
            streamFailed(s, Status.ABORTED.withDescription("a request on the stream failed: "
                    + (failed ? r.getErrorMessage() : "its answer was unusable")));
        } // else it was answered, or given up: nothing is sent again and the stream goes on
    }

    /**
     * Ends the stream: every request still on it goes back to its place in the spool. The oldest carries the
     * failure (the breaker, the log, and an attempt if it reached the server); the others only go back.
     */
    private void streamFailed(StreamCall s, Status status) {
        List<Pending> lost;
        synchronized (lock) {
            if (stream == s) {
                stream = null;
            }
            lost = s.pending.clear();
        }
        try {
            s.requests.cancel("edge-cascade ends the stream: " + status, null);
        } catch (RuntimeException ignored) {
            // already ended
        }
        boolean first = true;
        for (Pending p : lost) {
            done(p, null, first ? status : null, !first);
            first = false;
        }
    }

    /** Lock held: a stream whose oldest request waits past the deadline is cancelled (its requests go back). */
    private void cancelStreamPastDeadline() {
        StreamCall s = stream;
        Pending oldest = s == null ? null : s.pending.oldest();
        if (oldest != null && System.nanoTime() - oldest.sentNanos() > cloud.deadline().toNanos()) {
            // the lock is reentrant; the cancelled call's own callback arrives later and finds nothing pending
            streamFailed(s, Status.DEADLINE_EXCEEDED.withDescription("no answer on the stream within"
                    + " cloud.deadline_ms"));
        }
    }

    // ---- outcomes ---------------------------------------------------------------------------------------------

    /**
     * A request ended.
     *
     * @param releaseOnly the request ended with its stream for another's sake: back to the spool, not counted
     * @return whether the record went back to the spool to be sent again
     */
    private boolean done(Pending p, ModelInferResponse response, Status error, boolean releaseOnly) {
        SpoolDirectory.Entry e = p.entry();
        ForwardItem item = p.item();
        long rtt = System.nanoTime() - p.sentNanos();
        try {
            if (releaseOnly) {
                spool.release(e);
                return true;
            }
            boolean reached = p.reachedServer();
            if (error == null) {
                String garbage = check(response, item);
                if (garbage != null) {
                    error = Status.INTERNAL.withDescription("the server answered garbage: " + garbage);
                    reached = true;
                }
            }
            if (error != null) {
                return requestFailed(p, error, reached);
            }
            synchronized (lock) {
                recheckedUnder.remove(e.key());
            }
            writer.delivered(new SpoolWriter.Delivered(e, item, response, rtt));
            breaker.onSuccess();
            roundTrips.record(rtt);
            observer.stage(item.camera(), Stage.FORWARD, rtt);
            listener.onAcked(item.camera());
            recovered();
            return false;
        } finally {
            synchronized (lock) {
                inFlight--;
                inFlightByCamera.computeIfPresent(e.tag(), (camera, n) -> n > 1 ? n - 1 : null);
                lock.notifyAll();
            }
        }
    }

    /**
     * A request failed: the record waits, counts an attempt, or goes to the dead-letter folder.
     *
     * @return whether it went back to the spool to be sent again
     */
    private boolean requestFailed(Pending p, Status error, boolean reached) {
        SpoolDirectory.Entry e = p.entry();
        FailureKind kind = FailureKind.of(error, reached);
        synchronized (lock) {
            if (stopping) {
                kind = FailureKind.CLOUD; // the agent ended the call: not the record's doing
            } else if (kind == FailureKind.RECHECK) {
                Long under = recheckedUnder.get(e.key());
                if (under != null && under < p.check()) {
                    kind = FailureKind.PERMANENT; // the same answer after the model was checked again
                } else {
                    recheckedUnder.put(e.key(), p.check());
                    model = null; // check the model again before the next send: it may have gone
                }
            }
        }
        if (kind == FailureKind.CLOUD) {
            spool.release(e);
            failed(p.item().camera(), error);
            return true;
        }
        int attempts = spool.countAttempt(e);
        boolean permanent = kind == FailureKind.PERMANENT;
        if (permanent || (cloud.maxAttempts() > 0 && attempts >= cloud.maxAttempts())) {
            synchronized (lock) {
                recheckedUnder.remove(e.key());
            }
            listener.onError(p.item().camera());
            if (permanent) {
                breaker.onSuccess(); // the cloud answers; only this request cannot be served
            } else {
                breaker.onFailure();
            }
            writer.deadLetter(new SpoolWriter.GiveUp(e, new DeadLetters.Letter(e.tag(), p.item(),
                    p.item().toBytes(), permanent ? DeadLetters.Reason.REJECTED : DeadLetters.Reason.MAX_ATTEMPTS,
                    error.getCode().name(), describe(error), attempts)));
            return false;
        }
        spool.release(e);
        writer.attempted(e);
        failed(p.item().camera(), error);
        return true;
    }

    /** The record itself is unusable: it can never be sent, so it goes to the dead-letter folder. */
    private void unusable(SpoolDirectory.Entry e, byte[] bytes, ForwardItem item, String why) {
        LOG.error("spool {}: a stored positive of camera {} is unusable ({}); it goes to the dead-letter folder",
                spool.dir(), e.tag(), why);
        listener.onError(e.tag());
        writer.deadLetter(new SpoolWriter.GiveUp(e, new DeadLetters.Letter(e.tag(), item, bytes,
                DeadLetters.Reason.UNUSABLE, "UNUSABLE", why, spool.attempts(e))));
    }

    /** The spool thread could not write a dead letter: the record went back to the spool; space the retries. */
    void deadLetterFailed() {
        breaker.onFailure();
        wake();
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

    private static String describe(Status status) {
        return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    }

    private static boolean unreachable(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.ABORTED
                || code == Status.Code.CANCELLED;
    }

    private void failed(String camera, Status status) {
        synchronized (lock) {
            if (stopping) {
                return; // the agent ends its own calls: nothing failed
            }
        }
        boolean opened = breaker.onFailure();
        if (camera != null) {
            listener.onError(camera);
        }
        String what = describe(status);
        synchronized (lock) {
            if (opened) {
                model = null; // learn the model again when the server is back: it may have changed
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
                        + " the positives stay in the spool {}{}", cloud.url(), cloud.model(), version, what,
                        spool.dir(), cloud.maxAttempts() > 0 ? " (each for up to cloud.max_attempts "
                                + cloud.maxAttempts() + " attempts)" : "");
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
            } else if (!closedRun && model != null && roundTrips.count() == 0) {
                listener.cloudUp(true);
            }
        }
    }

    // ---- stopping ---------------------------------------------------------------------------------------------

    /** Waits until the spool is empty (the writer acknowledges meanwhile) or the deadline passes. */
    void awaitDrained(Deadline deadline) throws InterruptedException {
        synchronized (lock) {
            while (spool.pendingCount() > 0 && !deadline.expired()) {
                lock.wait(Math.max(1, Math.min(200, deadline.remainingMillis())));
            }
        }
    }

    /** Stops sending; calls still on the wire are left to {@link #awaitCallbacks}. */
    void stop() {
        synchronized (lock) {
            stopping = true;
            closedRun = true;
            lock.notifyAll();
        }
    }

    /**
     * Waits for the callbacks of the calls cancelled by the channel's shutdown, until the deadline.
     *
     * @return the requests that had not reported back by then (their records stay in the spool)
     */
    int awaitCallbacks(Deadline deadline) throws InterruptedException {
        synchronized (lock) {
            while (inFlight > 0 && !deadline.expired()) {
                lock.wait(Math.max(1, Math.min(100, deadline.remainingMillis())));
            }
            return inFlight;
        }
    }
}
