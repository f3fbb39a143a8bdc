package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.PositiveFrame;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One positive frame handed to several sink threads at once: its pixels (up to 16 MB at 3072x1728) exist once and are
 * freed when the last sink is done with them ({@link #release()}), which also gives their bytes back to the
 * {@link PixelBudget} they were taken from.
 *
 * @param mayDrop its camera never waits (live, or a file at real time), so a sink whose queue is full may skip it when
 *                it carries nothing for the events ({@link #droppable()})
 * @param budget  where its pixels' bytes were taken from, or null (no pixels, or not counted)
 */
record SharedFrame(PositiveFrame positive, boolean mayDrop, AtomicInteger holders, PixelBudget budget,
        long pixelBytes) {

    SharedFrame(PositiveFrame positive, boolean mayDrop, int holders) {
        this(positive, mayDrop, holders, null, 0);
    }

    SharedFrame(PositiveFrame positive, boolean mayDrop, int holders, PixelBudget budget, long pixelBytes) {
        this(positive, mayDrop, new AtomicInteger(holders), budget, pixelBytes);
        if (holders < 1) {
            throw new IllegalArgumentException("a shared frame needs a holder");
        }
    }

    String camera() {
        return positive.frame().camera();
    }

    /**
     * A sink that is behind may skip it: its camera does not wait, and it carries no event line, no new best frame and
     * no discarded track (a sink that missed those would have a wrong picture of the events).
     */
    boolean droppable() {
        return mayDrop && positive.tracks().isQuiet();
    }

    /** One holder is done; the last one frees the pixels. */
    void release() {
        int left = holders.decrementAndGet();
        if (left == 0) {
            positive.frame().close();
            if (budget != null) {
                budget.release(pixelBytes);
            }
        } else if (left < 0) {
            throw new IllegalStateException("frame released more often than it was shared");
        }
    }
}
