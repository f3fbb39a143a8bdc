package io.edgecascade.cascade.notify.webhook;

import io.edgecascade.cascade.notify.DeliverySettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One webhook ({@code webhooks:} list): where events are posted and how.
 *
 * @param name     the sink's name ({@code webhook_<name>} in metrics and logs)
 * @param url      http:// or https://
 * @param headers  extra request headers (values usually from {@code ${ENV}}); never logged
 * @param secret   the HMAC-SHA256 key of {@code X-Edge-Cascade-Signature}, or null for no signature; never logged
 * @param snapshot the event's best frame as a second multipart part ({@code new} and {@code end} messages)
 * @param timeout  a request that has no answer by then is a failed attempt ({@code timeout_ms})
 */
public record WebhookSettings(String name, URI url, Map<String, String> headers, String secret, boolean snapshot,
        Duration timeout, DeliverySettings delivery) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public WebhookSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(delivery, "delivery");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** The URL without user info, query or fragment: what logs show. */
    public String describe() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /** Secrets left out: the header names only, whether there is a secret. */
    @Override
    public String toString() {
        return "webhook " + name + " " + describe() + (headers.isEmpty() ? "" : " headers " + headers.keySet())
                + (secret == null ? "" : " signed") + (snapshot ? " with snapshot" : "");
    }
}
