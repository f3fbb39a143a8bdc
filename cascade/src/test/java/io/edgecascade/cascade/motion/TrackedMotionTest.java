package io.edgecascade.cascade.motion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.MotionResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gate's decision on motion and the tracked objects' predicted boxes. */
class TrackedMotionTest {

    /** A person 60x150 at x = 100 at 1000 ms, walking right at 100 px/s; last found at 1000 ms, due 1000 ms later. */
    private static final KnownObject WALKER = new KnownObject(new float[] {100, 200, 160, 350},
            new float[] {100, 0, 100, 0}, 1000, 1000, 1000);

    private static MotionResult.Region region(int x, int y, int w, int h) {
        return new MotionResult.Region(x, y, w, h);
    }

    @Test
    void motionWhereTheWalkerIsPredictedIsExplainedUntilItIsDue() {
        // at 1500 ms the walker is predicted at x 150..210; its motion (with a trail behind it) is there
        List<MotionResult.Region> motion = List.of(region(135, 195, 80, 160));
        assertEquals(TrackedMotion.Look.EXPLAINED, TrackedMotion.plan(motion, List.of(WALKER), 1500, 1000).look());
        assertEquals(TrackedMotion.Look.FULL, TrackedMotion.plan(motion, List.of(WALKER), 2000, 1000).look(),
                "due 1000 ms after it was last found");
    }

    @Test
    void theSameMotionWhereTheWalkerWasNotPredictedIsNew() {
        // the motion stayed near x 100 while the prediction moved on: at 1900 ms (190..250) it no longer covers it
        List<MotionResult.Region> motion = List.of(region(90, 195, 80, 160));
        TrackedMotion.Plan p = TrackedMotion.plan(motion, List.of(WALKER), 1900, 1000);
        assertEquals(TrackedMotion.Look.NEW_MOTION_ONLY, p.look());
        assertEquals(motion, p.unexplained());
    }

    @Test
    void newMotionElsewhereIsLookedAtAloneAndTheExplainedMotionIsLeftOut() {
        MotionResult.Region walker = region(140, 200, 70, 150);
        MotionResult.Region door = region(600, 100, 50, 120);
        TrackedMotion.Plan p = TrackedMotion.plan(List.of(walker, door), List.of(WALKER), 1500, 1000);
        assertEquals(TrackedMotion.Look.NEW_MOTION_ONLY, p.look());
        assertEquals(List.of(door), p.unexplained());
    }

    @Test
    void noMotionAndNothingDueSkipsTheHeldLook() {
        assertEquals(TrackedMotion.Look.NOT_DUE, TrackedMotion.plan(List.of(), List.of(WALKER), 1500, 1000).look());
        assertEquals(TrackedMotion.Look.FULL, TrackedMotion.plan(List.of(), List.of(WALKER), 2000, 1000).look());
    }

    @Test
    void withoutKnownObjectsEveryPassIsAFullLook() {
        assertEquals(TrackedMotion.Look.FULL, TrackedMotion.plan(List.of(region(0, 0, 10, 10)), List.of(), 0,
                Long.MIN_VALUE).look());
    }

    @Test
    void oneDueObjectMakesTheLookFullEvenIfTheOthersExplainTheMotion() {
        KnownObject misbehaved = new KnownObject(new float[] {400, 200, 460, 350}, new float[4], 1000, 1000, 0);
        assertEquals(TrackedMotion.Look.FULL, TrackedMotion.plan(List.of(region(140, 200, 70, 150)),
                List.of(WALKER, misbehaved), 1500, 1000).look());
    }

    @Test
    void aLookInFlightCountsForTheObjectsUntilItsAnswerIsIn() {
        // the gate looked at 1800 ms; the tracker's last update is still 1000 ms: not due until 2800 ms
        assertFalse(WALKER.due(2500, 1800));
        assertTrue(WALKER.due(2800, 1800));
        // once the answer is in (the tracker updated at 1800 ms without finding it), the object is due at once
        KnownObject missed = new KnownObject(new float[] {180, 200, 240, 350}, new float[] {100, 0, 100, 0}, 1800,
                1000, 1000);
        assertTrue(missed.due(2000, 1800));
    }
}
