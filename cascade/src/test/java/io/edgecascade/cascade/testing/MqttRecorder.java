package io.edgecascade.cascade.testing;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test's MQTT subscriber on {@code #} (QoS 1, a persistent session, reconnecting by itself), recording every message
 * in the order it arrives, for {@link Conditions#waitFor} and assertions.
 */
public final class MqttRecorder implements AutoCloseable {

    /** One message as received. */
    public record Message(String topic, byte[] payload, boolean retained, long receivedNanos) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Mqtt3AsyncClient client;
    private final List<Message> messages = new CopyOnWriteArrayList<>();

    private MqttRecorder(Mqtt3AsyncClient client) {
        this.client = client;
    }

    /** Connects to {@code broker} as {@link Mosquitto#USER} and subscribes to {@code filter}. */
    public static MqttRecorder subscribe(Mosquitto broker, String filter) throws Exception {
        return subscribe(broker, filter, null);
    }

    /** Like {@link #subscribe(Mosquitto, String)}, over TLS trusting {@code ca} when it is not null. */
    public static MqttRecorder subscribe(Mosquitto broker, String filter, Path ca) throws Exception {
        Mqtt3ClientBuilder b = MqttClient.builder().useMqttVersion3().identifier("recorder-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(broker.port())
                .automaticReconnect().initialDelay(50, TimeUnit.MILLISECONDS).maxDelay(500, TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect();
        if (ca != null) {
            b = b.sslConfig(MqttClientSslConfig.builder().trustManagerFactory(
                    io.edgecascade.cascade.http.PemTls.trustManagers(ca, "test ca")).build());
        }
        MqttRecorder r = new MqttRecorder(b.buildAsync());
        r.client.connectWith().cleanSession(false).simpleAuth().username(Mosquitto.USER)
                .password(Mosquitto.PASSWORD.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send()
                .get(60, TimeUnit.SECONDS);
        r.client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).callback(p -> r.messages.add(
                new Message(p.getTopic().toString(), p.getPayloadAsBytes(), p.isRetain(), System.nanoTime())))
                .send().get(60, TimeUnit.SECONDS);
        return r;
    }

    public List<Message> all() {
        return List.copyOf(messages);
    }

    public List<Message> on(String topic) {
        return messages.stream().filter(m -> m.topic().equals(topic)).toList();
    }

    /** The latest message on {@code topic}, or null. */
    public Message last(String topic) {
        List<Message> on = on(topic);
        return on.isEmpty() ? null : on.get(on.size() - 1);
    }

    public long count(Predicate<Message> p) {
        return messages.stream().filter(p).count();
    }

    /** Waits until a message matches. */
    public Message await(String what, Predicate<Message> p) throws InterruptedException {
        try {
            Conditions.waitFor(what, () -> messages.stream().anyMatch(p));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; got " + summary(), e); // what came by the deadline
        }
        return messages.stream().filter(p).findFirst().orElseThrow();
    }

    /** Waits until the latest message on {@code topic} is {@code text}. */
    public void awaitLast(String topic, String text) throws InterruptedException {
        try {
            Conditions.waitFor(topic + " = " + text, Duration.ofSeconds(90), () -> {
                Message m = last(topic);
                return m != null && m.text().equals(text);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; got " + summary(), e);
        }
    }

    /** Topics and short payloads so far, for failure messages. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        for (Message m : messages) {
            String t = m.payload().length > 0 && (m.payload()[0] & 0xff) == 0xff ? "<jpeg " + m.payload().length + ">"
                    : m.text();
            b.append('\n').append(m.topic()).append(' ').append(t.length() > 160 ? t.substring(0, 160) + "..." : t);
        }
        return b.toString();
    }

    @Override
    public void close() throws Exception {
        try {
            client.disconnect().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the broker is gone already
        }
    }
}
