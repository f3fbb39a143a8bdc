package io.edgecascade.cascade.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import io.edgecascade.cascade.api.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeanAveragePrecisionTest {

    private static Detection box(int cls, float score, float x) {
        return new Detection("c" + cls, cls, score, x, 0, x + 10, 10);
    }

    @Test
    void identicalBoxesScoreOne() {
        List<List<Detection>> ref = List.of(List.of(box(0, .9f, 0), box(1, .8f, 20)), List.of(box(0, .7f, 50)));
        assertEquals(1.0, MeanAveragePrecision.of(ref, ref, .5f), 1e-9);
    }

    @Test
    void missingHalfTheBoxesHalvesTheRecall() {
        List<List<Detection>> ref = List.of(List.of(box(0, .9f, 0), box(0, .8f, 20)));
        List<List<Detection>> pred = List.of(List.of(box(0, .9f, 0)));
        assertEquals(0.5, MeanAveragePrecision.of(ref, pred, .5f), 1e-9);
    }

    @Test
    void aLowScoringFalsePositiveCostsNothingAHighScoringOneDoes() {
        List<List<Detection>> ref = List.of(List.of(box(0, .9f, 0)));
        List<List<Detection>> lowFp = List.of(List.of(box(0, .9f, 0), box(0, .1f, 100)));
        List<List<Detection>> highFp = List.of(List.of(box(0, .5f, 0), box(0, .95f, 100)));
        assertEquals(1.0, MeanAveragePrecision.of(ref, lowFp, .5f), 1e-9);
        assertEquals(0.5, MeanAveragePrecision.of(ref, highFp, .5f), 1e-9);
    }

    @Test
    void shiftedBoxesBelowTheIouThresholdDoNotMatch() {
        List<List<Detection>> ref = List.of(List.of(box(0, .9f, 0)));
        // IoU of [0,10] and [4,14] is 6/14 = 0.43 < 0.5; [2,12] is 8/12 = 0.67
        assertEquals(0.0, MeanAveragePrecision.of(ref, List.of(List.of(box(0, .9f, 4))), .5f), 1e-9);
        assertEquals(1.0, MeanAveragePrecision.of(ref, List.of(List.of(box(0, .9f, 2))), .5f), 1e-9);
    }

    @Test
    void aWrongClassIsAMiss() {
        List<List<Detection>> ref = List.of(List.of(box(0, .9f, 0)));
        assertEquals(0.0, MeanAveragePrecision.of(ref, List.of(List.of(box(1, .9f, 0))), .5f), 1e-9);
    }

    @Test
    void classesAreAveraged() {
        List<List<Detection>> ref = List.of(List.of(box(0, .9f, 0), box(1, .9f, 50)));
        List<List<Detection>> pred = List.of(List.of(box(0, .9f, 0)));
        assertEquals(0.5, MeanAveragePrecision.of(ref, pred, .5f), 1e-9);
        assertEquals(1.0, MeanAveragePrecision.perClass(ref, pred, .5f).get(0), 1e-9);
        assertEquals(0.0, MeanAveragePrecision.perClass(ref, pred, .5f).get(1), 1e-9);
    }

    @Test
    void emptyReferences() {
        List<List<Detection>> none = List.of(List.of());
        assertEquals(1.0, MeanAveragePrecision.of(none, none, .5f));
        assertEquals(0.0, MeanAveragePrecision.of(none, List.of(List.of(box(0, .9f, 0))), .5f));
        assertThrows(IllegalArgumentException.class, () -> MeanAveragePrecision.of(none, List.of(), .5f));
    }
}
