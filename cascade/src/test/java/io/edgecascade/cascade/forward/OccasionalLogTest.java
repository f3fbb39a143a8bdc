package io.edgecascade.cascade.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OccasionalLogTest {

    @Test
    void theFirstIsLoggedThenOneAMinuteWithHowManyWereLeftOut() {
        AtomicLong now = new AtomicLong(1_000);
        OccasionalLog log = new OccasionalLog(now::get);
        assertEquals(0, log.occurred());
        assertEquals(-1, log.occurred());
        assertEquals(-1, log.occurred());
        now.addAndGet(OccasionalLog.INTERVAL_NANOS);
        assertEquals(2, log.occurred());
        assertEquals(-1, log.occurred());
        assertEquals("", OccasionalLog.more(0));
        assertEquals(" (3 more like it since the last such line)", OccasionalLog.more(3));
    }
}
