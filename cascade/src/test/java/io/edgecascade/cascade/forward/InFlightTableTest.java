package io.edgecascade.cascade.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The stream's table of requests in flight: by record, found again by request id. */
class InFlightTableTest {

    private record Req(long record, String id) {
    }

    private final InFlightTable<Req> table = new InFlightTable<>(Req::record, Req::id);

    /**
     * Defect (issue 17, stream mode): the table was keyed by request id, so a second request with the same id (the
     * same frame handed over twice) replaced the first; the first was then never settled and close() waited for it
     * forever. Both are kept now, and answers settle them oldest first.
     */
    @Test
    void theSameIdInFlightTwiceIsSettledTwiceOldestFirst() {
        Req a1 = new Req(1, "cam:7");
        Req b = new Req(2, "cam:8");
        Req a2 = new Req(3, "cam:7");
        assertTrue(table.add(a1));
        assertTrue(table.add(b));
        assertTrue(table.add(a2));
        assertEquals(3, table.size());
        assertEquals(a1, table.answer("cam:7"));
        assertEquals(b, table.oldest());
        assertEquals(a2, table.answer("cam:7"));
        assertNull(table.answer("cam:7"), "a third answer for the id finds nothing: it is ignored");
        assertEquals(b, table.answer("cam:8"));
        assertTrue(table.isEmpty());
    }

    @Test
    void anUnknownIdFindsNothingAndChangesNothing() {
        Req a = new Req(1, "cam:1");
        table.add(a);
        assertNull(table.answer("nobody"));
        assertEquals(1, table.size());
        assertEquals(a, table.oldest());
    }

    @Test
    void aRecordIsInTheTableOnceAndClearGivesEverythingBackInSendOrder() {
        Req a = new Req(5, "x");
        Req b = new Req(6, "y");
        table.add(a);
        assertFalse(table.add(new Req(5, "x")), "the same record twice is refused");
        table.add(b);
        assertEquals(List.of(a, b), table.clear());
        assertTrue(table.isEmpty());
        assertNull(table.answer("x"));
        assertNull(table.oldest());
    }
}
