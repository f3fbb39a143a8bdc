package io.edgecascade.cascade.notify;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Objects;

/**
 * One message in a sink's outbox: what to send, where, and the picture that goes with it.
 *
 * @param key        what the message is about (the event id), for logs and dead letters
 * @param topic      the MQTT topic; empty for a webhook
 * @param retain     MQTT retain flag
 * @param body       the message (UTF-8 JSON, or a snapshot's JPEG for an MQTT snapshot topic)
 * @param attachment a JPEG that goes with it (a webhook's snapshot part), or empty
 */
public record OutboxMessage(String key, String topic, boolean retain, byte[] body, byte[] attachment) {

    /** Version byte of the record format; a record of another version is unusable (dead-lettered, never guessed). */
    static final int VERSION = 1;

    public OutboxMessage {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(body, "body");
        attachment = attachment == null ? new byte[0] : attachment;
    }

    /** The record stored in the outbox. */
    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + attachment.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(key);
            out.writeUTF(topic);
            out.writeBoolean(retain);
            out.writeInt(body.length);
            out.write(body);
            out.writeInt(attachment.length);
            out.write(attachment);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * A record read back from the outbox.
     *
     * @throws IOException when it is not a record this agent wrote (another version, cut short)
     */
    static OutboxMessage fromBytes(byte[] record) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("outbox record of version " + version + "; this agent reads " + VERSION);
            }
            String key = in.readUTF();
            String topic = in.readUTF();
            boolean retain = in.readBoolean();
            byte[] body = bytes(in, record.length);
            byte[] attachment = bytes(in, record.length);
            return new OutboxMessage(key, topic, retain, body, attachment);
        }
    }

    private static byte[] bytes(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limit) {
            throw new IOException("outbox record is damaged (a length of " + n + ")");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
