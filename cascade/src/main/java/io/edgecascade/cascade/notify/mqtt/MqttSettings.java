package io.edgecascade.cascade.notify.mqtt;

import io.edgecascade.cascade.notify.DeliverySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code mqtt:} section: the broker, the topics and Home Assistant discovery.
 *
 * @param tls           TLS to the broker, or null for plain TCP
 * @param user          user name, or null for none
 * @param password      password (from {@code ${ENV}}), or null; never logged
 * @param clientId      MQTT client id (default {@code edge-cascade-<hostname>})
 * @param topicPrefix   every topic starts with it (default {@code edge-cascade})
 * @param qos           0, 1 or 2 for events and snapshots (default 1)
 * @param homeAssistant publish Home Assistant discovery messages
 * @param discoveryPrefix Home Assistant's discovery prefix (default {@code homeassistant})
 * @param statsInterval how often {@code <prefix>/stats} is published
 */
public record MqttSettings(String host, int port, Tls tls, String user, String password, String clientId,
        String topicPrefix, int qos, boolean homeAssistant, String discoveryPrefix, Duration statsInterval,
        DeliverySettings delivery) {

    public static final int PORT = 1883;
    public static final int TLS_PORT = 8883;
    public static final String DEFAULT_PREFIX = "edge-cascade";
    public static final String DEFAULT_DISCOVERY_PREFIX = "homeassistant";
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(60);

    /**
     * @param ca   the CA certificate that signed the broker's (PEM), or null for the system's trust store
     * @param cert the client's certificate for mutual TLS (PEM), or null
     * @param key  its private key (PKCS#8 PEM), or null
     */
    public record Tls(Path ca, Path cert, Path key) {
    }

    public MqttSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(delivery, "delivery");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2");
        }
        String problem = MqttTopics.problem(topicPrefix);
        if (problem != null) {
            throw new IllegalArgumentException("topic_prefix: " + problem);
        }
    }

    /** A plain broker at {@code host:port} with the defaults (the demo's {@code --mqtt}). */
    public static MqttSettings of(String host, int port, String clientId, DeliverySettings delivery) {
        return new MqttSettings(host, port, null, null, null, clientId, DEFAULT_PREFIX, 1, false,
                DEFAULT_DISCOVERY_PREFIX, DEFAULT_STATS_INTERVAL, delivery);
    }

    /** This config with Home Assistant discovery on or off. */
    public MqttSettings withHomeAssistant(boolean on) {
        return new MqttSettings(host, port, tls, user, password, clientId, topicPrefix, qos, on, discoveryPrefix,
                statsInterval, delivery);
    }

    /** {@code mqtt://host:port} or {@code mqtts://...}, the user but never the password. */
    public String describe() {
        return (tls == null ? "mqtt://" : "mqtts://") + (user == null ? "" : user + "@")
                + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "mqtt " + describe() + " prefix " + topicPrefix + " qos " + qos + (password == null ? ""
                : " (password set)");
    }
}
