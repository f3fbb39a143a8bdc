package io.edgecascade.app.config;

import io.edgecascade.cascade.notify.mqtt.MqttSettings;
import io.edgecascade.cascade.notify.webhook.WebhookSettings;
import java.util.List;

/**
 * The sinks that tell other systems about events ({@code mqtt:} and {@code webhooks:}); the events file and the cloud
 * forwarder are configured on their own.
 *
 * @param mqtt     the broker, or null for none
 * @param webhooks zero or more
 */
public record NotifyConfig(MqttSettings mqtt, List<WebhookSettings> webhooks) {

    public static final NotifyConfig NONE = new NotifyConfig(null, List.of());

    public NotifyConfig {
        webhooks = List.copyOf(webhooks);
    }

    public boolean isEmpty() {
        return mqtt == null && webhooks.isEmpty();
    }
}
