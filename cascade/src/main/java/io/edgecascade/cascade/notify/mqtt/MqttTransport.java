package io.edgecascade.cascade.notify.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.ConnectionClosedException;
import com.hivemq.client.mqtt.exceptions.ConnectionFailedException;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.http.PemTls;
import io.edgecascade.cascade.notify.OutboxMessage;
import io.edgecascade.cascade.notify.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT connection (HiveMQ's client, MQTT 3.1.1, clean session): {@code <prefix>/available} {@code offline}
 * (retained) as the last will, so the broker says it when the agent dies; user and password; TLS with the broker's CA
 * and optionally a client certificate. {@link #send} publishes one outbox message and waits for the broker's
 * acknowledgement (QoS 1 and 2) before the next, so messages keep their order. The agent reconnects itself (the
 * delivery thread, with backoff), never the library, so an outage is seen and logged in one place.
 */
public final class MqttTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(MqttTransport.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    static final int KEEP_ALIVE_S = 30;

    private final MqttSettings settings;
    private final MqttTopics topics;
    private final Mqtt3AsyncClient client;
    private final MqttQos qos;

    /**
     * @param onDisconnect told (on a client thread) when the connection drops
     * @throws IllegalArgumentException when the TLS files cannot be used (one line naming the key and the fix)
     */
    public MqttTransport(MqttSettings settings, Runnable onDisconnect) {
        this.settings = settings;
        this.topics = new MqttTopics(settings.topicPrefix());
        this.qos = qos(settings.qos());
        Mqtt3ClientBuilder b = MqttClient.builder().useMqttVersion3().identifier(settings.clientId())
                .serverHost(settings.host()).serverPort(settings.port())
                .addDisconnectedListener(ctx -> onDisconnect.run());
        if (settings.tls() != null) {
            b = b.sslConfig(ssl(settings.tls()));
        }
        this.client = b.buildAsync();
    }

    private static MqttClientSslConfig ssl(MqttSettings.Tls tls) {
        MqttClientSslConfigBuilder b = MqttClientSslConfig.builder();
        if (tls.ca() != null) {
            b = b.trustManagerFactory(PemTls.trustManagers(tls.ca(), "mqtt.tls.ca"));
        }
        if (tls.cert() != null) {
            b = b.keyManagerFactory(PemTls.load(tls.cert(), tls.key(), "mqtt.tls.cert", "mqtt.tls.key").keyManagers());
        }
        return b.build();
    }

    static MqttQos qos(int level) {
        return switch (level) {
            case 0 -> MqttQos.AT_MOST_ONCE;
            case 2 -> MqttQos.EXACTLY_ONCE;
            default -> MqttQos.AT_LEAST_ONCE;
        };
    }

    @Override
    public String connect() throws InterruptedException {
        if (connected()) {
            return null;
        }
        Mqtt3ConnectBuilder.Send<CompletableFuture<com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck>>
                c = client.connectWith().cleanSession(true).keepAlive(KEEP_ALIVE_S);
        c = c.willPublish().topic(topics.available()).payload(bytes("offline")).qos(MqttQos.AT_LEAST_ONCE)
                .retain(true).applyWillPublish();
        if (settings.user() != null) {
            var auth = c.simpleAuth().username(settings.user());
            c = (settings.password() == null ? auth : auth.password(bytes(settings.password()))).applySimpleAuth();
        }
        try {
            c.send().get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return why(e.getCause());
        } catch (TimeoutException e) {
            client.disconnect(); // give up this try: the next connect starts afresh
            return "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
        }
    }

    /** One line for a failed connect; the password is never part of what the client says. */
    private static String why(Throwable t) {
        String m = t.getMessage();
        if (m != null && m.contains("NOT_AUTHORIZED")) {
            return "the broker refused the user (NOT_AUTHORIZED); check mqtt.user and the broker's ACL";
        }
        if (m != null && m.contains("BAD_USER_NAME_OR_PASSWORD")) {
            return "the broker refused the user name or password; check mqtt.user and mqtt.password";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String r = root.getMessage();
        return root.getClass().getSimpleName() + (r == null || r.isBlank() ? "" : ": " + r);
    }

    @Override
    public boolean connected() {
        return client.getState().isConnected();
    }

    @Override
    public Result send(OutboxMessage m) throws InterruptedException {
        CompletableFuture<Mqtt3Publish> f = client.publishWith().topic(m.topic()).qos(qos).retain(m.retain())
                .payload(m.body()).send();
        try {
            f.get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return Result.SENT;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof MqttClientStateException || c instanceof ConnectionClosedException
                    || c instanceof ConnectionFailedException) {
                return new Result(Kind.UNREACHABLE, "DISCONNECTED", why(c));
            }
            return new Result(Kind.ATTEMPT, "PUBLISH_FAILED", why(c));
        } catch (TimeoutException e) {
            f.cancel(false);
            return new Result(Kind.ATTEMPT, "TIMEOUT", "no acknowledgement within " + PUBLISH_TIMEOUT.toSeconds()
                    + " s");
        }
    }

    /**
     * Publishes a state (a retained value that the next one replaces) without waiting; one that fails is published
     * again with the other states after the next connect.
     */
    void publishState(String topic, byte[] payload, boolean retain) {
        if (!connected()) {
            return;
        }
        client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain).payload(payload).send()
                .whenComplete((p, e) -> {
                    if (e != null) {
                        LOG.debug("mqtt: publishing {} failed: {}", topic, e.toString());
                    }
                });
    }

    /** Subscribes {@code filter} and waits for the broker's acknowledgement; false when it failed. */
    boolean subscribe(String filter, Consumer<Mqtt3Publish> callback) throws InterruptedException {
        try {
            client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).callback(callback).send()
                    .get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("mqtt: subscribing to {} failed ({}); commands wait for the next connection", filter,
                    e instanceof ExecutionException ? why(e.getCause()) : "no answer");
            return false;
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    /** A clean stop: {@code offline} (retained) on the availability topic, then a disconnect, within the deadline. */
    @Override
    public void close(Deadline deadline) {
        if (!connected()) {
            return;
        }
        try {
            client.publishWith().topic(topics.available()).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                    .payload(bytes("offline")).send().get(Math.max(1, deadline.remainingMillis() / 2),
                            TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("mqtt: 'offline' not acknowledged at the stop: {}", e.toString());
        }
        try {
            client.disconnect().get(Math.max(1, deadline.remainingMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("mqtt: disconnect: {}", e.toString());
        }
    }
}
