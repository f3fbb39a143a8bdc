package io.edgecascade.cascade.forward;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.Stage;
import io.edgecascade.cascade.kserve.ModelInferResponse;
import io.edgecascade.cascade.metrics.LatencyHistogram;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarder's <em>spool thread</em>, the only thread that writes to the spool, the results file and the
 * dead-letter folder: it JPEG-encodes handed-off frames and appends them (write-ahead), writes the cloud's answers of
 * delivered frames and then their acknowledgements (an answer is on disk before its record is forgotten), attempt
 * counts, and dead letters (complete before the record leaves the spool), and flushes the spool when idle. Network
 * callbacks only queue work here, so a slow disk never stalls them. Frames wait at most {@value #HANDOFF} deep (the
 * pipeline's output thread blocks beyond); acknowledgements never wait.
 */
final class SpoolWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolWriter.class);
    static final int HANDOFF = 16;

    /**
     * A frame to store: copied off the pipeline ({@code image}, encoded here) or already encoded ({@code jpeg});
     * exactly one of the two is set.
     */
    record Frame(String id, String camera, long sequence, long ptsMillis, long capturedMillis, Mat image, byte[] jpeg,
            String detectionsJson) {
        Frame {
            if ((image == null) == (jpeg == null)) {
                throw new IllegalArgumentException("a frame to store has pixels or a JPEG, not both or neither");
            }
        }
    }

    /** A record the cloud acknowledged: log the answer, then ack it in the spool. */
    record Delivered(SpoolDirectory.Entry entry, ForwardItem item, ModelInferResponse response, long rttNanos) {
    }

    /** A record given up: write its dead letter, then ack it in the spool. */
    record GiveUp(SpoolDirectory.Entry entry, DeadLetters.Letter letter) {
    }

    /** A record whose delivery failed once more: write its attempt count beside its segment. */
    private record Attempted(SpoolDirectory.Entry entry) {
    }

    private record Barrier(CountDownLatch reached) {
    }

    private static final Object END = new Object();

    private final SpoolDirectory spool;
    private final ForwardListener listener;
    private final PipelineObserver observer;
    private final ResultsLog results;
    private final DeadLetters deadLetters;
    private final Runnable deadLetterFailed;
    private final OccasionalLog deadLetterLog = new OccasionalLog();
    private final String model;
    private final Predicate<String> willWait;
    private final Runnable stored;
    private final int[] jpegQuality;
    private final BlockingQueue<Object> tasks = new LinkedBlockingQueue<>();
    private final Semaphore framePermits = new Semaphore(HANDOFF);
    private final LatencyHistogram encodeTimes = new LatencyHistogram();
    private long storeFailures;
    private boolean storeFailing;

    /**
     * @param willWait         whether a new frame of this camera waits in the spool (cloud down or busy): counted
     * @param stored           told after each frame stored (wakes the sender)
     * @param deadLetterFailed told when a dead letter could not be written (its record went back to the spool)
     */
    SpoolWriter(SpoolDirectory spool, ForwardListener listener, PipelineObserver observer, ResultsLog results,
            DeadLetters deadLetters, String model, int jpegQuality, Predicate<String> willWait, Runnable stored,
            Runnable deadLetterFailed) {
        this.spool = spool;
        this.listener = listener;
        this.observer = observer;
        this.results = results;
        this.deadLetters = deadLetters;
        this.deadLetterFailed = deadLetterFailed;
        this.model = model;
        this.willWait = willWait;
        this.stored = stored;
        this.jpegQuality = new int[] {IMWRITE_JPEG_QUALITY, jpegQuality};
    }

    /** Queues a frame; blocks while {@value #HANDOFF} frames wait. */
    void put(Frame f) throws InterruptedException {
        framePermits.acquire();
        tasks.add(f);
    }

    /** Queues an acknowledgement; never blocks (called on network threads). */
    void delivered(Delivered d) {
        tasks.add(d);
    }

    /** Queues a dead letter; never blocks. */
    void deadLetter(GiveUp g) {
        tasks.add(g);
    }

    /** Queues writing a record's attempt count; never blocks. */
    void attempted(SpoolDirectory.Entry e) {
        tasks.add(new Attempted(e));
    }

    /** Waits until everything queued before this call was done, or the deadline passed; true when done. */
    boolean awaitQueued(Deadline deadline) throws InterruptedException {
        CountDownLatch l = new CountDownLatch(1);
        tasks.add(new Barrier(l));
        return l.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
    }

    /** Frames handed over and not yet stored. */
    int framesWaiting() {
        return HANDOFF - framePermits.availablePermits();
    }

    /** Ends the thread once everything queued before was done. */
    void end() {
        tasks.add(END);
    }

    LatencyHistogram encodeTimes() {
        return encodeTimes;
    }

    @Override
    public void run() {
        try {
            while (true) {
                Object t = tasks.poll(1, TimeUnit.SECONDS);
                try {
                    if (t == END) {
                        return;
                    } else if (t instanceof Frame f) {
                        framePermits.release();
                        store(f);
                    } else if (t instanceof Delivered d) {
                        ack(d);
                    } else if (t instanceof GiveUp g) {
                        giveUp(g);
                    } else if (t instanceof Attempted a) {
                        spool.saveAttempts(a.entry());
                    } else if (t instanceof Barrier b) {
                        b.reached().countDown();
                    }
                    if (t == null || spool.flushDue()) {
                        spool.flush();
                        results.force();
                    }
                } catch (IOException e) {
                    LOG.warn("spool {}: flushing to disk failed: {}", spool.dir(), e.getMessage());
                } catch (RuntimeException e) {
                    // keep the thread alive: the output thread must never block on a dead hand-off
                    LOG.error("spool {}: {}", spool.dir(), e.toString(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The answer first, then the acknowledgement: a crash between the two sends the frame again on the next start
     * (its answer is then written twice, with the same request id) but never loses the answer.
     */
    private void ack(Delivered d) {
        results.write(d.item(), d.response(), model, d.rttNanos());
        if (spool.fsync() == SpoolDirectory.Fsync.ALWAYS) {
            results.force();
        }
        beforeAckForTest.run();
        acknowledge(d.entry());
    }

    private void acknowledge(SpoolDirectory.Entry e) {
        try {
            spool.ack(e);
        } catch (IOException ex) {
            LOG.warn("spool {}: recording a delivery failed ({}); the frame may be sent again after a restart",
                    spool.dir(), ex.getMessage());
        }
        listener.spoolBytes(spool.pendingBytes());
    }

    /** Test seam: runs between writing an answer and acknowledging its record (a crash there). */
    private volatile Runnable beforeAckForTest = () -> { };

    void beforeAckForTest(Runnable hook) {
        beforeAckForTest = hook;
    }

    /** The dead letter first (forced to the disk), then the acknowledgement. */
    private void giveUp(GiveUp g) {
        DeadLetters.Letter l = g.letter();
        java.nio.file.Path file;
        try {
            file = deadLetters.write(l);
        } catch (IOException ex) {
            spool.release(g.entry());
            LOG.error("cannot write to the dead-letter folder {} ({}); the positive of camera {} stays in the spool"
                    + " and is sent again: free disk space or fix spool.dead_letter_dir", deadLetters.dir(),
                    ex.getMessage(), l.camera());
            deadLetterFailed.run();
            return;
        }
        acknowledge(g.entry());
        listener.onDeadLettered(l.camera());
        long skipped = deadLetterLog.occurred();
        if (skipped >= 0) {
            LOG.error("a positive of camera {} was given up ({} after {} attempt(s): {}) and moved to {}; the camera"
                    + " goes on with its next frames{}", l.camera(), l.reason().label(), l.attempts(), l.error(), file,
                    OccasionalLog.more(skipped));
        }
    }

    private void store(Frame h) {
        byte[] jpeg = h.jpeg() != null ? h.jpeg() : encode(h);
        if (jpeg == null) {
            return;
        }
        ForwardItem item = new ForwardItem(h.id(), h.camera(), h.sequence(), h.ptsMillis(), h.capturedMillis(),
                h.detectionsJson(), jpeg);
        boolean mustWait = willWait.test(h.camera());
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
        stored.run();
    }

    /** The frame's pixels as JPEG, or null (counted as a store failure) when encoding fails. */
    private byte[] encode(Frame h) {
        byte[] jpeg;
        long t0 = System.nanoTime();
        try (Mat image = h.image(); BytePointer buf = new BytePointer();
                IntPointer params = new IntPointer(jpegQuality)) {
            if (!imencode(".jpg", image, buf, params)) {
                storeFailed(h.camera(), "JPEG encoding failed");
                return null;
            }
            jpeg = new byte[(int) buf.limit()];
            buf.get(jpeg);
        }
        long encode = System.nanoTime() - t0;
        encodeTimes.record(encode);
        observer.stage(h.camera(), Stage.ENCODE, encode);
        return jpeg;
    }

    private void storeFailed(String camera, String why) {
        listener.onError(camera);
        listener.onStoreFailed(camera);
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
}
