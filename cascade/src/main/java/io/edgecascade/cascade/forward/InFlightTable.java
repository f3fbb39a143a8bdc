package io.edgecascade.cascade.forward;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The requests on one stream, in the order they were sent, found again by request id when their answer comes.
 * Keyed by the spool record (unique), not by request id: the same id can be in flight twice (the same frame handed
 * over twice, a replay after a crash), and an answer then settles the oldest request of that id. Not thread-safe:
 * its owner's lock guards it.
 *
 * @param <P> what is kept per request
 */
final class InFlightTable<P> {

    private final Function<P, Long> recordKey;
    private final Function<P, String> requestId;
    private final LinkedHashMap<Long, P> bySendOrder = new LinkedHashMap<>();
    private final Map<String, ArrayDeque<Long>> byId = new HashMap<>();

    InFlightTable(Function<P, Long> recordKey, Function<P, String> requestId) {
        this.recordKey = recordKey;
        this.requestId = requestId;
    }

    /** A request sent; false (and nothing changes) when its record is in flight already. */
    boolean add(P p) {
        long key = recordKey.apply(p);
        if (bySendOrder.putIfAbsent(key, p) != null) {
            return false;
        }
        byId.computeIfAbsent(requestId.apply(p), id -> new ArrayDeque<>()).add(key);
        return true;
    }

    /** The oldest request with this id, taken out; null when none is in flight (an unknown or repeated answer). */
    P answer(String id) {
        ArrayDeque<Long> keys = byId.get(id);
        if (keys == null) {
            return null;
        }
        Long key = keys.poll();
        if (keys.isEmpty()) {
            byId.remove(id);
        }
        return key == null ? null : bySendOrder.remove(key);
    }

    /** The request sent first of those still in flight, or null. */
    P oldest() {
        Iterator<P> it = bySendOrder.values().iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** Takes every request out, oldest first. */
    List<P> clear() {
        List<P> all = new ArrayList<>(bySendOrder.values());
        bySendOrder.clear();
        byId.clear();
        return all;
    }

    int size() {
        return bySendOrder.size();
    }

    boolean isEmpty() {
        return bySendOrder.isEmpty();
    }
}
