package io.edgecascade.cascade.forward;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
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
 * The forwarder's <em>spool thread</em>, the only thread that writes to the spool and the results file: it
 * JPEG-encodes handed-off frames and appends them (write-ahead), writes the acknowledgements and the cloud's answers
 * of delivered frames, and flushes the spool when idle. Network callbacks only queue work here, so a slow disk
 * never stalls them. Frames wait at most {@value #HANDOFF} deep (the pipeline's output thread blocks beyond);
 * acknowledgements never wait.
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

    /** A record the cloud acknowledged: ack it in the spool and log the answer. */
    record Delivered(SpoolDirectory.Entry entry, ForwardItem item, ModelInferResponse response, long rttNanos) {
    }

    private record Barrier(CountDownLatch reached) {
    }

    private static final Object END = new Object();

    private final SpoolDirectory spool;
    private final ForwardListener listener;
    private final PipelineObserver observer;
    private final ResultsLog results;
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
     * @param willWait whether a new frame of this camera waits in the spool (cloud down or busy): counted
     * @param stored   told after each frame stored (wakes the sender)
     */
    SpoolWriter(SpoolDirectory spool, ForwardListener listener, PipelineObserver observer, ResultsLog results,
            String model, int jpegQuality, Predicate<String> willWait, Runnable stored) {
        this.spool = spool;
        this.listener = listener;
        this.observer = observer;
        this.results = results;
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

    /** Waits until everything queued before this call was done. */
    void awaitQueued() throws InterruptedException {
        CountDownLatch l = new CountDownLatch(1);
        tasks.add(new Barrier(l));
        l.await();
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
                    } else if (t instanceof Barrier b) {
                        b.reached().countDown();
                    }
                    if (t == null || spool.flushDue()) {
                        spool.flush();
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

    private void ack(Delivered d) {
        try {
            spool.ack(d.entry());
        } catch (IOException ex) {
            LOG.warn("spool {}: recording a delivery failed ({}); the frame may be sent again after a restart",
                    spool.dir(), ex.getMessage());
        }
        listener.spoolBytes(spool.pendingBytes());
        if (d.item() != null) { // null: a record dropped as unusable
            results.write(d.item(), d.response(), model, d.rttNanos());
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
