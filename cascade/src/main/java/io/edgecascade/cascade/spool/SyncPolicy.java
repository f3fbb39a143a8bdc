package io.edgecascade.cascade.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.function.LongSupplier;

/**
 * When written records and acknowledgements are forced to the disk ({@link SpoolDirectory.Fsync}). Used under the
 * spool's I/O lock only, so a slow disk delays the writer, never a lookup or a network callback.
 */
final class SyncPolicy {

    /** How a file is forced to the disk; tests slow it down. */
    @FunctionalInterface
    interface Forcer {
        void force(FileChannel ch) throws IOException;
    }

    /** Forces every file written since the last force. */
    @FunctionalInterface
    interface ForceAll {
        void run() throws IOException;
    }

    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final SpoolDirectory.Fsync mode;
    private final LongSupplier nanoClock;
    private final Forcer forcer;
    private long lastForce;

    SyncPolicy(SpoolDirectory.Fsync mode, LongSupplier nanoClock, Forcer forcer) {
        this.mode = mode;
        this.nanoClock = nanoClock;
        this.forcer = forcer;
        this.lastForce = nanoClock.getAsLong();
    }

    /** After a write to {@code ch}: forces it (ALWAYS), or everything once a second (INTERVAL). */
    void written(FileChannel ch, ForceAll all) throws IOException {
        switch (mode) {
            case ALWAYS -> forcer.force(ch);
            case INTERVAL -> {
                long now = nanoClock.getAsLong();
                if (now - lastForce >= INTERVAL_NANOS) {
                    all.run();
                    lastForce = now;
                }
            }
            case NEVER -> {
            }
        }
    }

    /** Forces a file that is done with (a sealed segment, a file being closed), unless the policy is NEVER. */
    void finished(FileChannel ch) throws IOException {
        if (mode != SpoolDirectory.Fsync.NEVER) {
            forcer.force(ch);
        }
    }

    /** A flush asked for from outside (idle periods of the INTERVAL policy). */
    void flush(ForceAll all) throws IOException {
        if (mode != SpoolDirectory.Fsync.NEVER) {
            all.run();
            lastForce = nanoClock.getAsLong();
        }
    }

    /** Whether an INTERVAL flush is due now. */
    boolean due() {
        return mode == SpoolDirectory.Fsync.INTERVAL && nanoClock.getAsLong() - lastForce >= INTERVAL_NANOS;
    }
}
