package io.edgecascade.cascade.spool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The records waiting to be handed out, per tag (camera), each tag's in spool order. Finding the oldest record
 * of the tags not skipped looks at the head of each tag: cost per camera, not per record of the backlog. Not
 * thread-safe: the spool guards it with its index lock.
 */
final class TagIndex {

    private final Map<String, TreeMap<Long, SpoolDirectory.Entry>> byTag = new HashMap<>();
    private int size;

    void add(SpoolDirectory.Entry e) {
        if (byTag.computeIfAbsent(e.tag(), t -> new TreeMap<>()).put(e.key(), e) == null) {
            size++;
        }
    }

    void remove(SpoolDirectory.Entry e) {
        TreeMap<Long, SpoolDirectory.Entry> q = byTag.get(e.tag());
        if (q != null && q.remove(e.key()) != null) {
            size--;
            if (q.isEmpty()) {
                byTag.remove(e.tag());
            }
        }
    }

    /** The oldest record whose tag is not in {@code skip}, or null. */
    SpoolDirectory.Entry first(Set<String> skip) {
        SpoolDirectory.Entry best = null;
        for (Map.Entry<String, TreeMap<Long, SpoolDirectory.Entry>> q : byTag.entrySet()) {
            if (skip.contains(q.getKey())) {
                continue;
            }
            SpoolDirectory.Entry head = q.getValue().firstEntry().getValue();
            if (best == null || head.key() < best.key()) {
                best = head;
            }
        }
        return best;
    }

    /** Takes out every record of a segment (evicted), returning them. */
    List<SpoolDirectory.Entry> removeSegment(long segment) {
        long lo = segment << 32;
        long hi = (segment + 1) << 32;
        List<SpoolDirectory.Entry> lost = new ArrayList<>();
        for (var it = byTag.values().iterator(); it.hasNext(); ) {
            var sub = it.next().subMap(lo, hi);
            lost.addAll(sub.values());
            sub.clear();
        }
        byTag.values().removeIf(TreeMap::isEmpty);
        size -= lost.size();
        return lost;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }
}
