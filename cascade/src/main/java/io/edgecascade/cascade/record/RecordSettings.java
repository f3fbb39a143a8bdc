package io.edgecascade.cascade.record;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Event clips (config section {@code record:}).
 *
 * @param events     write a clip of every event
 * @param preS       seconds before the event's first sighting
 * @param postS      seconds after its last sighting
 * @param dir        where clips go, one {@code EVENT_ID.mp4} each
 * @param retainDays clips older than this are deleted (0 = kept until {@code maxBytes} needs room)
 * @param maxBytes   the folder's bound: the oldest clips go first
 */
public record RecordSettings(boolean events, double preS, double postS, Path dir, int retainDays, long maxBytes) {

    public static final RecordSettings OFF = new RecordSettings(false, 3, 5, Path.of("recordings"), 7, 1L << 30);

    public RecordSettings {
        Objects.requireNonNull(dir, "dir");
        if (preS < 0 || postS < 0 || retainDays < 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("pre_s, post_s, retain_days must be >= 0 and max_bytes > 0");
        }
    }
}
