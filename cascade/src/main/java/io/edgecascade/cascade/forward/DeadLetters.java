package io.edgecascade.cascade.forward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter folder: records the forwarder gave up on (a status that can never succeed, {@code
 * cloud.max_attempts} failed attempts, or a record that cannot be read), one JSON file each with why, the last
 * error and the record itself, so it can be inspected and sent again ({@link #read}). A file is complete and forced
 * to the disk before the spool forgets the record. The folder is bounded: beyond {@code maxBytes} its oldest files
 * are deleted, each logged. Used by the forwarder's spool thread only.
 *
 * <p>A file: {@code {"format":"edge-cascade dead letter","version":1,"id","camera","frame","pts_ms","captured_ms",
 * "reason":"rejected"|"max_attempts"|"unusable","status","error","attempts","model","url","dead_lettered_at",
 * "edge_detections":{...},"record_version","record":"<base64 of the spool record>"}}. {@link #requeue} puts letters
 * back into the spool ({@code edge-cascade spool requeue}).
 */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FORMAT = "edge-cascade dead letter";
    static final int VERSION = 1;
    private static final String SUFFIX = ".json";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** Why a record was given up. */
    enum Reason {
        /** The server answered with a status that can never succeed for this request. */
        REJECTED,
        /** {@code cloud.max_attempts} attempts failed. */
        MAX_ATTEMPTS,
        /** The record cannot be read or turned into a request (damaged, an undecodable JPEG). */
        UNUSABLE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One record given up.
     *
     * @param camera  the record's camera (its spool tag)
     * @param item    the record read, or null when it cannot be read
     * @param payload the record as stored in the spool
     * @param status  the last status (a gRPC code name, or {@code UNUSABLE})
     * @param error   the last error message
     */
    record Letter(String camera, ForwardItem item, byte[] payload, Reason reason, String status, String error,
            int attempts) {
    }

    /** A dead letter read back: what is needed to send it again. */
    public record Read(String id, String camera, byte[] payload) {
    }

    /** What {@link #requeue} did: the letters put back into the spool, and one line per file it could not. */
    public record Requeued(List<Path> requeued, List<String> problems) {
    }

    private final Path dir;
    private final long maxBytes;
    private final String model;
    private final String url;
    private final Deque<Path> files = new ArrayDeque<>(); // oldest first
    private long bytes;
    private long written;
    private long deleted;

    private DeadLetters(Path dir, long maxBytes, String model, String url) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.model = model;
        this.url = url;
    }

    /**
     * Opens (creating) the folder and takes stock of the files already there.
     *
     * @throws IOException with a message naming the folder and the fix when it cannot be used
     */
    static DeadLetters open(Path dir, long maxBytes, String model, String url) throws IOException {
        DeadLetters d = new DeadLetters(dir, maxBytes, model, url);
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                throw new IOException("not writable");
            }
            for (Path f : files(dir)) { // names start with the time they were written: oldest first
                d.files.add(f);
                d.bytes += Files.size(f);
            }
        } catch (IOException e) {
            throw new IOException("cannot use the dead-letter folder " + dir + " (" + e.getMessage() + "); set"
                    + " spool.dead_letter_dir to a writable folder", e);
        }
        return d;
    }

    /** Writes one dead letter (forced to the disk) and keeps the folder under its bound; returns the file. */
    Path write(Letter l) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ForwardItem item = l.item();
        if (item != null) {
            root.put("id", item.id());
        }
        root.put("camera", l.camera());
        if (item != null) {
            root.put("frame", item.sequence());
            root.put("pts_ms", item.ptsMillis());
            root.put("captured_ms", item.capturedMillis());
        }
        root.put("reason", l.reason().label());
        root.put("status", l.status());
        root.put("error", l.error());
        root.put("attempts", l.attempts());
        root.put("model", model);
        root.put("url", url);
        Instant now = Instant.now();
        root.put("dead_lettered_at", now.toString());
        if (item != null) {
            try {
                root.set("edge_detections", JSON.readTree(item.detectionsJson()));
            } catch (IOException notJson) {
                root.put("edge_detections", item.detectionsJson());
            }
        }
        root.put("record_version", l.payload().length == 0 ? 0 : l.payload()[0] & 0xff);
        root.put("record", Base64.getEncoder().encodeToString(l.payload()));
        byte[] text = (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);

        String base = STAMP.format(now) + "-" + safe(item != null ? item.id() : l.camera());
        Path file = dir.resolve(base + SUFFIX);
        for (int n = 1; Files.exists(file); n++) {
            file = dir.resolve(base + "-" + n + SUFFIX);
        }
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        }
        forceFolder();
        files.add(file);
        bytes += text.length;
        written++;
        trim();
        return file;
    }

    /** Deletes the oldest files while the folder is over its bound (the newest file always stays). */
    private void trim() {
        while (bytes > maxBytes && files.size() > 1) {
            Path oldest = files.poll();
            try {
                long size = Files.size(oldest);
                Files.deleteIfExists(oldest);
                bytes -= size;
                deleted++;
                LOG.warn("dead-letter folder {} is over spool.dead_letter_max_bytes {}: deleted its oldest file {}",
                        dir, maxBytes, oldest.getFileName());
            } catch (IOException e) {
                LOG.warn("dead-letter folder {}: cannot delete {} ({})", dir, oldest, e.getMessage());
                return;
            }
        }
    }

    /** Makes the new file's name durable (a directory fsync; not every file system allows it). */
    private void forceFolder() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the file itself is forced; on such systems its name becomes durable with the next metadata flush
        }
    }

    /** A name made of letters, digits, dots, dashes and underscores only. */
    private static String safe(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return t.length() > 120 ? t.substring(0, 120) : t;
    }

    /**
     * Reads a dead letter back.
     *
     * @throws IOException when the file is not a dead letter of a version this agent reads
     */
    public static Read read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not a dead letter (" + e.getMessage() + ")", e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText()) || !root.path("record").isTextual()) {
            throw new IOException(file + " is not a dead letter");
        }
        if (root.path("version").asInt() > VERSION) {
            throw new IOException(file + " is a dead letter of version " + root.path("version").asInt()
                    + ", newer than this agent reads (" + VERSION + ")");
        }
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(root.get("record").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": its record is not base64 (" + e.getMessage() + ")", e);
        }
        return new Read(root.path("id").asText(""), root.path("camera").asText(""), payload);
    }

    /** The dead letters of a folder, oldest first (none when it does not exist). */
    public static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            ds.forEach(found::add);
        }
        found.sort(null);
        return found;
    }

    /**
     * Puts dead letters back into the spool, in the order given, each as a new record (its attempts start again):
     * the next start of the agent sends them. A letter is deleted once the spool holds its record (forced to the disk
     * per the spool's policy); one that cannot be read or stored stays and is reported.
     */
    public static Requeued requeue(SpoolDirectory spool, List<Path> letters) throws IOException {
        List<Path> done = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Path> stored = new ArrayList<>();
        for (Path f : letters) {
            Read r;
            try {
                r = read(f);
                ForwardItem.fromBytes(r.payload()); // a record this agent can send
            } catch (IOException e) {
                problems.add(f + ": " + e.getMessage());
                continue;
            }
            if (!spool.append(r.camera(), r.payload())) {
                problems.add(f + ": its record is larger than spool.max_bytes");
                continue;
            }
            stored.add(f);
        }
        spool.flush();
        for (Path f : stored) {
            Files.deleteIfExists(f);
            done.add(f);
        }
        return new Requeued(done, problems);
    }

    Path dir() {
        return dir;
    }

    /** Dead letters written since the folder was opened. */
    long written() {
        return written;
    }

    /** Files deleted to stay under the bound since the folder was opened. */
    long deleted() {
        return deleted;
    }

    /** Bytes of the dead letters in the folder. */
    long bytes() {
        return bytes;
    }
}
