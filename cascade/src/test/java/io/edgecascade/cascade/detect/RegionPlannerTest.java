package io.edgecascade.cascade.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegionPlannerTest {

    private static float[] box(float x, float y, float w, float h) {
        return new float[] {x, y, x + w, y + h};
    }

    @Test
    void aSmallObjectOnALargeFrameGetsOneSquareOfTheModelsSizeAroundIt() {
        List<RegionPlanner.Square> s = RegionPlanner.plan(RegionMode.AUTO, 1920, 1080, 416,
                List.of(box(1700, 950, 30, 100)));
        assertEquals(List.of(new RegionPlanner.Square(1504, 664, 416)), s, "centred, then pushed inside the frame");
    }

    @Test
    void fragmentsOfOneObjectMergeAndDistantObjectsKeepTheirOwnSquares() {
        List<RegionPlanner.Square> s = RegionPlanner.plan(RegionMode.AUTO, 1920, 1080, 416,
                List.of(box(800, 400, 20, 40), box(830, 460, 20, 40), box(100, 100, 30, 60)));
        assertEquals(2, s.size(), s.toString());
        for (RegionPlanner.Square q : s) {
            assertTrue(q.side() >= 416 && q.x() >= 0 && q.y() >= 0 && q.x() + q.side() <= 1920
                    && q.y() + q.side() <= 1080, q.toString());
        }
    }

    @Test
    void autoUsesTheWholeFrameWhenItIsSmallOrTheMotionLarge() {
        assertTrue(RegionPlanner.plan(RegionMode.AUTO, 768, 432, 416, List.of(box(10, 10, 20, 20))).isEmpty(),
                "768x432 letterboxes at 0.54: no need for regions");
        assertTrue(RegionPlanner.plan(RegionMode.AUTO, 1920, 1080, 416, List.of(box(100, 100, 900, 900))).isEmpty(),
                "an object this large is seen on the whole frame");
        assertTrue(RegionPlanner.plan(RegionMode.AUTO, 1920, 1080, 416, List.of(box(0, 0, 10, 10),
                box(600, 0, 10, 10), box(1200, 0, 10, 10), box(1800, 0, 10, 10), box(0, 600, 10, 10),
                box(600, 600, 10, 10), box(1200, 600, 10, 10))).isEmpty(), "motion all over: whole frame");
        assertTrue(RegionPlanner.plan(RegionMode.AUTO, 1920, 1080, 416, List.of()).isEmpty(), "no motion known");
        assertTrue(RegionPlanner.plan(RegionMode.AUTO, 1920, 1080, 0, List.of(box(10, 10, 20, 20))).isEmpty(),
                "model input not square");
    }

    @Test
    void alwaysAndOff() {
        assertEquals(1, RegionPlanner.plan(RegionMode.ALWAYS, 768, 432, 416, List.of(box(10, 10, 20, 20))).size());
        assertTrue(RegionPlanner.plan(RegionMode.OFF, 1920, 1080, 416, List.of(box(10, 10, 20, 20))).isEmpty());
        assertTrue(RegionPlanner.plan(RegionMode.ALWAYS, 1920, 1080, 416, List.of(box(0, 0, 10, 10),
                box(600, 0, 10, 10), box(1200, 0, 10, 10), box(1800, 0, 10, 10), box(0, 600, 10, 10),
                box(600, 600, 10, 10), box(1200, 600, 10, 10))).size() <= RegionPlanner.MAX_REGIONS);
        assertEquals(RegionMode.OFF, RegionMode.parse("full_frame"));
    }
}
