package io.edgecascade.cascade.testing;

import io.edgecascade.cascade.forward.ForwardItem;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The records waiting in a spool folder, read from a copy of it (the folder itself is left as it is, and a running
 * agent keeps its lock). Used by the tests and, as a command, by {@code scripts/chaos-soak.sh}:
 * {@code java -cp ... io.edgecascade.cascade.testing.SpoolListing SPOOL_DIR} prints one line per record,
 * {@code id<TAB>camera<TAB>failed attempts}, oldest first.
 */
public final class SpoolListing {

    /** One record not yet delivered. */
    public record Waiting(String id, String camera, int attempts) {
    }

    private SpoolListing() {
    }

    /** The records not yet delivered in {@code spoolDir}, oldest first; none when the folder does not exist. */
    public static List<Waiting> of(Path spoolDir) throws IOException {
        List<Waiting> out = new ArrayList<>();
        if (!Files.isDirectory(spoolDir)) {
            return out;
        }
        Path copy = Files.createTempDirectory("spool-listing");
        try {
            try (Stream<Path> files = Files.list(spoolDir)) {
                for (Path f : files.filter(p -> !p.getFileName().toString().equals(".lock")).toList()) {
                    try {
                        Files.copy(f, copy.resolve(f.getFileName()));
                    } catch (NoSuchFileException gone) {
                        // acknowledged and deleted meanwhile
                    }
                }
            }
            try (SpoolDirectory s = SpoolDirectory.open(SpoolDirectory.Settings.of(copy, Long.MAX_VALUE / 2,
                    SpoolDirectory.Fsync.NEVER), t -> { })) {
                for (SpoolDirectory.Entry e; (e = s.poll()) != null;) {
                    ForwardItem item = ForwardItem.fromBytes(s.read(e));
                    out.add(new Waiting(item.id(), item.camera(), s.attempts(e)));
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(copy)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SpoolListing SPOOL_DIR");
            System.exit(2);
        }
        for (Waiting w : of(Path.of(args[0]))) {
            System.out.println(w.id() + "\t" + w.camera() + "\t" + w.attempts());
        }
    }
}
