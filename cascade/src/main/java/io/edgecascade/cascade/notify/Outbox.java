package io.edgecascade.cascade.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.spool.DeadLetterFolder;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink's durable outbox: every message is written here before it is sent, so what the sink could not deliver
 * survives the peer's outage and the agent's restart (SIGKILL included). It is the forwarder's spool
 * ({@link SpoolDirectory}: CRC-checked append-only segments, acknowledgements, attempt counts, a size bound that drops
 * the oldest segments, counted) with one tag, so messages leave strictly in the order they came; and the forwarder's
 * dead-letter folder ({@link DeadLetterFolder}) for the messages given up: a permanent answer, {@code max_attempts}
 * failed attempts, or a record this agent cannot read.
 *
 * <p>A dead letter: {@code {"format":"edge-cascade dead letter","version":1,"sink","key","topic","reason":
 * "rejected"|"max_attempts"|"unusable","status","error","attempts","dead_lettered_at","body" (the message when it is
 * text),"record" (base64 of the outbox record)}}.
 *
 * <p>{@link #append} is called from the sink's thread, the rest from its delivery thread; the spool is thread-safe.
 */
public final class Outbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    static final String FORMAT = "edge-cascade dead letter";

    /** Why a message was given up. */
    public enum Reason {
        /** The peer answered that it can never take it (an HTTP 4xx other than 408 and 429). */
        REJECTED,
        /** {@code max_attempts} attempts failed. */
        MAX_ATTEMPTS,
        /** The record cannot be read (damaged, or written by another version). */
        UNUSABLE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The oldest message, handed out by {@link #next()}: give it back with {@link #sent}, {@link #failed}, ... */
    public record Pending(SpoolDirectory.Entry entry, OutboxMessage message, int attempts) {
    }

    private final String sink;
    private final SpoolDirectory spool;
    private final DeadLetterFolder deadLetters;
    private final int maxAttempts;
    private final PipelineObserver observer;

    private Outbox(String sink, SpoolDirectory spool, DeadLetterFolder deadLetters, int maxAttempts,
            PipelineObserver observer) {
        this.sink = sink;
        this.spool = spool;
        this.deadLetters = deadLetters;
        this.maxAttempts = maxAttempts;
        this.observer = observer;
    }

    /**
     * Opens (creating) the outbox folder and its dead-letter folder; messages an earlier run left are delivered first.
     *
     * @param sink        the sink's name, for logs, metrics and dead letters
     * @param maxAttempts failed attempts after which a message is given up; 0 never gives up
     * @param configKey   the sink's config section ({@code mqtt}, {@code webhooks[0]}), for messages
     * @throws IOException with a message naming the folder and the fix when it cannot be used
     */
    public static Outbox open(String sink, SpoolDirectory.Settings settings, int maxAttempts, String configKey,
            PipelineObserver observer) throws IOException {
        SpoolDirectory spool;
        try {
            spool = SpoolDirectory.open(settings, tag -> {
                observer.sinkMessage(sink, "evicted");
            });
        } catch (IOException e) {
            throw new IOException(configKey + ".outbox_dir: " + e.getMessage(), e);
        }
        try {
            DeadLetterFolder dead = DeadLetterFolder.open(settings.deadLetterDir(), settings.deadLetterMaxBytes(),
                    configKey + ".dead_letter_dir", configKey + ".dead_letter_mb");
            Outbox o = new Outbox(sink, spool, dead, maxAttempts, observer);
            if (spool.pendingCount() > 0) {
                LOG.info("sink {}: {} message(s) ({} bytes) from an earlier run wait in its outbox {}", sink,
                        spool.pendingCount(), spool.pendingBytes(), settings.dir());
            }
            observer.sinkOutboxBytes(sink, spool.pendingBytes());
            return o;
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
    }

    /**
     * Writes a message (durable per the outbox's fsync policy when this returns); when the outbox is full its oldest
     * messages are dropped first, counted ({@code evicted}).
     *
     * @return false when the message alone is larger than the outbox (it is dropped, counted as evicted)
     */
    public boolean append(OutboxMessage m) throws IOException {
        boolean stored = spool.append(sink, m.toBytes());
        if (stored) {
            observer.sinkMessage(sink, "queued");
        } else {
            observer.sinkMessage(sink, "evicted");
        }
        observer.sinkOutboxBytes(sink, spool.pendingBytes());
        return stored;
    }

    /** The oldest message not yet sent, or null; a record that cannot be read goes to the dead letters on the way. */
    public Pending next() throws IOException {
        while (true) {
            SpoolDirectory.Entry e = spool.poll();
            if (e == null) {
                return null;
            }
            byte[] record;
            try {
                record = spool.read(e);
            } catch (SpoolDirectory.EvictedException evicted) {
                spool.release(e); // evicted while handed out: counted by the spool
                continue;
            }
            try {
                return new Pending(e, OutboxMessage.fromBytes(record), spool.attempts(e));
            } catch (IOException unreadable) {
                write(new Pending(e, null, spool.attempts(e)), record, Reason.UNUSABLE, "UNUSABLE",
                        unreadable.getMessage());
            }
        }
    }

    /** The peer took it: it is never sent again. */
    public void sent(Pending p) throws IOException {
        spool.ack(p.entry());
        observer.sinkMessage(sink, "sent");
        observer.sinkOutboxBytes(sink, spool.pendingBytes());
    }

    /** It was not sent and it was not its fault (the peer unreachable): it waits, in its place, uncounted. */
    public void release(Pending p) {
        spool.release(p.entry());
    }

    /**
     * One failed attempt: counted (and written down, so a restart goes on counting); the message goes back in its
     * place, or to the dead letters once its attempts reach {@code max_attempts}.
     *
     * @return true when it was given up
     */
    public boolean failed(Pending p, String status, String error) throws IOException {
        observer.sinkMessage(sink, "failed");
        int attempts = spool.countAttempt(p.entry());
        if (maxAttempts > 0 && attempts >= maxAttempts) {
            deadLetter(new Pending(p.entry(), p.message(), attempts), Reason.MAX_ATTEMPTS, status, error);
            return true;
        }
        spool.saveAttempts(p.entry());
        spool.release(p.entry());
        return false;
    }

    /** Gives a message up: a dead letter (forced to the disk) first, then the outbox forgets it. */
    public void deadLetter(Pending p, Reason reason, String status, String error) throws IOException {
        write(p, p.message().toBytes(), reason, status, error);
    }

    private void write(Pending p, byte[] record, Reason reason, String status, String error) throws IOException {
        ObjectNode root = EventMessages.JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("sink", sink);
        OutboxMessage m = p.message();
        if (m != null) {
            root.put("key", m.key());
            root.put("topic", m.topic());
        }
        root.put("reason", reason.label());
        root.put("status", status);
        root.put("error", error);
        root.put("attempts", p.attempts());
        root.put("dead_lettered_at", Instant.now().toString());
        String text = m == null ? null : text(m.body());
        if (text != null) {
            root.put("body", text);
        }
        root.put("record", Base64.getEncoder().encodeToString(record));
        Path file = deadLetters.write(sink + "-" + (m == null ? "unusable" : m.key()),
                (EventMessages.JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
        spool.ack(p.entry());
        observer.sinkMessage(sink, "dead_lettered");
        observer.sinkOutboxBytes(sink, spool.pendingBytes());
        LOG.warn("sink {}: gave up message {} ({}: {} {}) after {} attempt(s): {}", sink,
                m == null ? "(unreadable)" : m.key(), reason.label(), status, error, p.attempts(), file);
    }

    /** The bytes as text when they are UTF-8 (a JSON message), else null (a JPEG). */
    private static String text(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException binary) {
            return null;
        }
    }

    /** Forces what was written to the disk when the fsync policy's interval is due (called when idle). */
    public void flushIfDue() throws IOException {
        if (spool.flushDue()) {
            spool.flush();
        }
    }

    /** Messages stored and not yet sent (waiting or being sent). */
    public int pending() {
        return spool.pendingCount();
    }

    /** True when a message waits to be handed out. */
    public boolean hasUnsent() {
        return spool.unsentCount() > 0;
    }

    /** Bytes of the messages not yet sent. */
    public long pendingBytes() {
        return spool.pendingBytes();
    }

    /** Messages dropped because the outbox was full, since it was opened. */
    public long evicted() {
        return spool.evictedRecords();
    }

    /** Dead letters written since the outbox was opened. */
    public long deadLettered() {
        return deadLetters.written();
    }

    public Path dir() {
        return spool.dir();
    }

    public Path deadLetterDir() {
        return deadLetters.dir();
    }

    /** Flushes and closes; what was not sent stays for the next start. */
    @Override
    public void close() throws IOException {
        spool.close();
    }
}
