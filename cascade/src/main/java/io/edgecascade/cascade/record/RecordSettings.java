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
 * @param maxMemoryBytes live cameras' clips being captured or waiting for the disk hold at most this many bytes of
 *                   packets together ({@code max_memory_mb}); what does not fit is cut or dropped, and counted
 */
public record RecordSettings(boolean events, double preS, double postS, Path dir, int retainDays, long maxBytes,
        long maxMemoryBytes) {

    /** Default {@code record.max_memory_mb}: 128 MiB, about four minutes of a 4 Mbit/s camera. */
    public static final long DEFAULT_MAX_MEMORY_BYTES = 128L << 20;

    public static final RecordSettings OFF = new RecordSettings(false, 3, 5, Path.of("recordings"), 7, 1L << 30,
            DEFAULT_MAX_MEMORY_BYTES);

    public RecordSettings {
        Objects.requireNonNull(dir, "dir");
        if (preS < 0 || postS < 0 || retainDays < 0 || maxBytes <= 0 || maxMemoryBytes <= 0) {
            throw new IllegalArgumentException("pre_s, post_s, retain_days must be >= 0 and max_bytes,"
                    + " max_memory_bytes > 0");
        }
    }

    /** Settings with the default memory bound. */
    public RecordSettings(boolean events, double preS, double postS, Path dir, int retainDays, long maxBytes) {
        this(events, preS, postS, dir, retainDays, maxBytes, DEFAULT_MAX_MEMORY_BYTES);
    }
}
