package io.edgecascade.cascade.forward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecascade.cascade.spool.DeadLetterFolder;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

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

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FORMAT = "edge-cascade dead letter";
    static final int VERSION = 1;

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

    private final DeadLetterFolder folder;
    private final String model;
    private final String url;

    private DeadLetters(DeadLetterFolder folder, String model, String url) {
        this.folder = folder;
        this.model = model;
        this.url = url;
    }

    /**
     * Opens (creating) the folder and takes stock of the files already there.
     *
     * @throws IOException with a message naming the folder and the fix when it cannot be used
     */
    static DeadLetters open(Path dir, long maxBytes, String model, String url) throws IOException {
        return new DeadLetters(DeadLetterFolder.open(dir, maxBytes, "spool.dead_letter_dir",
                "spool.dead_letter_max_bytes"), model, url);
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
        return folder.write(item != null ? item.id() : l.camera(), text);
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
        return DeadLetterFolder.files(dir);
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
        return folder.dir();
    }

    /** Dead letters written since the folder was opened. */
    long written() {
        return folder.written();
    }

    /** Files deleted to stay under the bound since the folder was opened. */
    long deleted() {
        return folder.deleted();
    }

    /** Bytes of the dead letters in the folder. */
    long bytes() {
        return folder.bytes();
    }
}
