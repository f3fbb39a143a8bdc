package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgecascade.cascade.motion.GateHold;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Sampling before the gate, on a 10 fps timeline. */
class FrameSamplerTest {

    private static int taken(FrameSampler s, int fromFrame, int frames) {
        int n = 0;
        for (int i = fromFrame; i < fromFrame + frames; i++) {
            if (s.take(i * 100L)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void everyNthFrame() {
        assertEquals(25, taken(new FrameSampler(new SamplingSettings(4, 0, 0, 0), GateHold.NONE), 0, 100));
    }

    @Test
    void atMostMaxFps() {
        assertEquals(20, taken(new FrameSampler(new SamplingSettings(1, 2, 0, 0), GateHold.NONE), 0, 100));
    }

    @Test
    void adaptiveRateRisesWithActivityAndDecaysToTheFloor() {
        AtomicBoolean tracking = new AtomicBoolean();
        GateHold hold = new GateHold() {
            @Override
            public boolean holdOpen() {
                return tracking.get();
            }
        };
        FrameSampler s = new FrameSampler(new SamplingSettings(1, 0, 1, 5), hold);
        assertEquals(10, taken(s, 0, 100), "idle: 1 fps over 10 s");
        tracking.set(true);
        assertEquals(50, taken(s, 100, 100), "objects tracked: 5 fps");
        tracking.set(false);
        taken(s, 200, 50); // halves every second: 5 -> 2.5 -> 1.25 -> 1
        assertEquals(1.0, s.adaptiveFps(), 1e-9);
        assertEquals(10, taken(s, 250, 100));
    }
}
