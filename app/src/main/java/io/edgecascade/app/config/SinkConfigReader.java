package io.edgecascade.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecascade.cascade.http.PemTls;
import io.edgecascade.cascade.notify.DeliverySettings;
import io.edgecascade.cascade.notify.SinkFilter;
import io.edgecascade.cascade.notify.mqtt.MqttSettings;
import io.edgecascade.cascade.notify.mqtt.MqttTopics;
import io.edgecascade.cascade.notify.webhook.WebhookSettings;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code mqtt:} and {@code webhooks:}: the broker or URL, the filter, the outbox, and the secrets (from
 * {@code ${ENV}}; a secret written into the file is a warning, and no message here ever echoes one).
 */
final class SinkConfigReader {

    private static final Pattern WEBHOOK_NAME = Pattern.compile("[a-z0-9_]{1,32}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the agent sets itself. */
    private static final Set<String> OWN_HEADERS = Set.of("content-type", "content-length", "host",
            "x-edge-cascade-signature", "x-edge-cascade-event", "x-edge-cascade-message", "connection", "user-agent");

    /** What the filter's names are checked against. */
    record Known(List<String> cameras, Set<String> zones, List<String> labels) {
    }

    private final Known known;
    private final Set<Path> outboxes = new HashSet<>();

    SinkConfigReader(Known known, Path spoolDir) {
        this.known = known;
        if (spoolDir != null) {
            outboxes.add(spoolDir.toAbsolutePath().normalize());
        }
    }

    NotifyConfig read(Section root) {
        MqttSettings mqtt = root.has("mqtt") ? mqtt(root.section("mqtt")) : null;
        List<WebhookSettings> hooks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Section> sections = root.sections("webhooks");
        for (int i = 0; i < sections.size(); i++) {
            WebhookSettings w = webhook(sections.get(i), i, names);
            if (w != null) {
                hooks.add(w);
            }
        }
        return new NotifyConfig(mqtt, hooks);
    }

    private MqttSettings mqtt(Section s) {
        String host = s.requiredString("host", "set it to the broker's host name or address, e.g. 127.0.0.1");
        if (host != null && (host.contains("://") || host.contains("/") || host.isBlank()
                || (host.contains(":") && !host.matches("[0-9A-Fa-f:.]+")))) {
            s.problem("host", "'" + host + "' is not a host name or address; give the host alone (e.g. broker.lan),"
                    + " the port in mqtt.port and TLS in mqtt.tls");
            host = null;
        }
        boolean hasTls = s.has("tls");
        Section t = s.section("tls");
        MqttSettings.Tls tls = hasTls ? tls(t) : null;
        t.finish();
        int port = (int) s.integer("port", hasTls ? MqttSettings.TLS_PORT : MqttSettings.PORT, 1, 65535);
        String user = blankToNull(s.string("user", null));
        String password = secret(s, "password", "MQTT_PASSWORD");
        if (password != null && user == null) {
            s.problem("password", "is set without mqtt.user; MQTT sends a password only with a user name");
        }
        String clientId = s.string("client_id", defaultClientId());
        if (clientId == null || clientId.isBlank() || clientId.length() > 200 || clientId.chars().anyMatch(
                Character::isISOControl)) {
            s.problem("client_id", "must be 1..200 printable characters (default edge-cascade-<hostname>)");
            clientId = defaultClientId();
        }
        String prefix = s.string("topic_prefix", MqttSettings.DEFAULT_PREFIX);
        String problem = MqttTopics.problem(prefix);
        if (problem != null) {
            s.problem("topic_prefix", problem);
            prefix = MqttSettings.DEFAULT_PREFIX;
        }
        int qos = (int) s.integer("qos", 1, 0, 2);
        boolean ha = s.bool("home_assistant", false);
        String discovery = s.string("discovery_prefix", MqttSettings.DEFAULT_DISCOVERY_PREFIX);
        String dp = MqttTopics.problem(discovery);
        if (dp != null) {
            s.problem("discovery_prefix", dp);
            discovery = MqttSettings.DEFAULT_DISCOVERY_PREFIX;
        }
        long stats = s.integer("stats_interval_s", MqttSettings.DEFAULT_STATS_INTERVAL.toSeconds(), 1, 86_400);
        DeliverySettings delivery = delivery(s, "mqtt");
        s.finish();
        if (host == null) {
            return null;
        }
        return new MqttSettings(host, port, tls, user, password, clientId, prefix, qos, ha, discovery,
                Duration.ofSeconds(stats), delivery);
    }

    /** {@code mqtt.tls}: the CA (else the system's trust store) and an optional client certificate and key. */
    private static MqttSettings.Tls tls(Section t) {
        String ca = t.string("ca", null);
        String cert = t.string("cert", null);
        String key = t.string("key", null);
        Path caPath = null;
        if (ca != null) {
            if (readable(t, "ca", ca, "point it at the CA certificate that signed the broker's (PEM)")) {
                try {
                    PemTls.trustManagers(Path.of(ca), t.key("ca"));
                    caPath = Path.of(ca);
                } catch (IllegalArgumentException e) {
                    t.problemLine(e.getMessage());
                }
            }
        }
        if ((cert == null) != (key == null)) {
            t.problem(cert == null ? "cert" : "key", "is missing; a client certificate needs both cert and key");
            return new MqttSettings.Tls(caPath, null, null);
        }
        if (cert != null && readable(t, "cert", cert, "point it at the client certificate (PEM)")
                && readable(t, "key", key, "point it at the client's private key (PKCS#8 PEM)")) {
            try {
                PemTls.load(Path.of(cert), Path.of(key), t.key("cert"), t.key("key"));
                return new MqttSettings.Tls(caPath, Path.of(cert), Path.of(key));
            } catch (IllegalArgumentException e) {
                t.problemLine(e.getMessage());
            }
        }
        return new MqttSettings.Tls(caPath, null, null);
    }

    private WebhookSettings webhook(Section s, int index, Set<String> names) {
        String name = s.string("name", Integer.toString(index + 1));
        if (name == null || !WEBHOOK_NAME.matcher(name).matches()) {
            s.problem("name", "'" + name + "' is not a name; use lowercase letters, digits and '_' (up to 32), e.g."
                    + " alarm");
            name = Integer.toString(index + 1);
        } else if (!names.add(name)) {
            s.problem("name", "'" + name + "' is used by two webhooks; names must be unique");
        }
        String url = s.requiredString("url", "set it to the receiver's http:// or https:// URL");
        URI uri = null;
        if (url != null) {
            try {
                uri = new URI(url.trim());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    s.problem("url", "'" + redact(uri) + "' is not an http:// or https:// URL with a host");
                    uri = null;
                } else if (uri.getUserInfo() != null) {
                    s.problem("url", "holds a user and password; put credentials in headers (Authorization:"
                            + " \"Bearer ${HOOK_TOKEN}\") so they come from the environment");
                    uri = null;
                }
            } catch (URISyntaxException e) {
                s.problem("url", "is not a URL (" + e.getReason() + ")");
            }
        }
        Map<String, String> headers = headers(s);
        String secret = secret(s, "secret", "WEBHOOK_SECRET");
        boolean snapshot = s.bool("snapshot", false);
        long timeout = s.integer("timeout_ms", WebhookSettings.DEFAULT_TIMEOUT.toMillis(), 1, 600_000);
        DeliverySettings delivery = delivery(s, "webhook_" + name);
        s.finish();
        if (uri == null) {
            return null;
        }
        return new WebhookSettings(name, uri, headers, secret, snapshot, Duration.ofMillis(timeout), delivery);
    }

    private static Map<String, String> headers(Section s) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode raw = s.raw("headers");
        if (raw == null) {
            return out;
        }
        if (!raw.isObject()) {
            s.problem("headers", "must be a mapping of header names to values, e.g. {Authorization: \"Bearer"
                    + " ${HOOK_TOKEN}\"}");
            return out;
        }
        Map<String, String> values = s.stringMap("headers");
        for (Map.Entry<String, String> h : values.entrySet()) {
            String key = "headers." + h.getKey();
            if (!HEADER_NAME.matcher(h.getKey()).matches()) {
                s.problem(key, "is not a header name (letters, digits and -)");
            } else if (OWN_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                s.problem(key, "is set by the agent itself; leave it out");
            } else if (h.getValue().chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                s.problem(key, "holds a line break or control character, which a header cannot carry");
            } else {
                out.put(h.getKey(), h.getValue());
                JsonNode v = raw.get(h.getKey());
                if (v != null && !v.asText().contains("${") && sensitive(h.getKey())) {
                    s.warn(key, "is written into the config file; keep secrets in the environment: ${HOOK_TOKEN}"
                            + " (e.g. in /etc/default/edge-cascade, readable only by root)");
                }
            }
        }
        return out;
    }

    private static boolean sensitive(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return h.contains("auth") || h.contains("token") || h.contains("key") || h.contains("secret")
                || h.contains("cookie");
    }

    /** The common keys of a delivering sink: filter, outbox, attempts, backoff. */
    private DeliverySettings delivery(Section s, String sink) {
        SinkFilter filter = filter(s);
        String dir = s.string("outbox_dir", "outbox/" + sink);
        Path outbox = Path.of(dir == null || dir.isBlank() ? "outbox/" + sink : dir);
        if (!outboxes.add(outbox.toAbsolutePath().normalize())) {
            s.problem("outbox_dir", "'" + outbox + "' is used by another sink or the spool; give each its own folder");
        }
        long mb = s.integer("outbox_mb", DeliverySettings.DEFAULT_OUTBOX_BYTES >> 20, 1, 1 << 20);
        String fsync = s.choice("outbox_fsync", "interval", List.of("always", "interval", "never"));
        String dead = blankToNull(s.string("dead_letter_dir", null));
        long deadMb = s.integer("dead_letter_mb", DeliverySettings.DEFAULT_DEAD_LETTER_BYTES >> 20, 1, 1 << 20);
        int attempts = (int) s.integer("max_attempts", DeliverySettings.DEFAULT_MAX_ATTEMPTS, 0, 1_000_000);
        long backoff = s.integer("backoff_ms", DeliverySettings.DEFAULT_BACKOFF.toMillis(), 1, 3_600_000);
        long maxBackoff = s.integer("max_backoff_ms", DeliverySettings.DEFAULT_MAX_BACKOFF.toMillis(), 1, 3_600_000);
        if (maxBackoff < backoff) {
            s.problem("max_backoff_ms", maxBackoff + " is below backoff_ms " + backoff + "; make it at least that");
            maxBackoff = backoff;
        }
        Path deadDir = dead == null ? null : Path.of(dead);
        if (deadDir != null && deadDir.toAbsolutePath().normalize().equals(outbox.toAbsolutePath().normalize())) {
            s.problem("dead_letter_dir", "is the outbox folder itself; give it a folder of its own");
            deadDir = null;
        }
        SpoolDirectory.Settings box = SpoolDirectory.Settings.of(outbox, mb << 20,
                SpoolDirectory.Fsync.valueOf((fsync == null ? "interval" : fsync).toUpperCase(Locale.ROOT)))
                .withDeadLetters(deadDir, deadMb << 20);
        return new DeliverySettings(filter, box, attempts, Duration.ofMillis(backoff), Duration.ofMillis(maxBackoff));
    }

    private SinkFilter filter(Section s) {
        Section f = s.section("filter");
        List<String> cameras = f.strings("cameras", List.of());
        for (String c : cameras) {
            if (!known.cameras().contains(c)) {
                f.problem("cameras", "'" + c + "' is not a camera of this config; cameras: "
                        + String.join(", ", known.cameras()));
            }
        }
        List<String> labels = f.strings("labels", List.of());
        if (known.labels() != null) {
            for (String l : labels) {
                if (!known.labels().contains(l)) {
                    f.problem("labels", "'" + l + "' is not a label of the model; labels include "
                            + String.join(", ", known.labels().subList(0, Math.min(8, known.labels().size())))
                            + (known.labels().size() > 8 ? ", ..." : ""));
                }
            }
        }
        List<String> types = f.strings("types", List.of());
        for (String t : types) {
            if (!SinkFilter.TYPES.contains(t)) {
                f.problem("types", "'" + t + "' is not a message type; use " + String.join(", ", SinkFilter.TYPES));
            }
        }
        double minScore = f.number("min_score", 0, 0, 1, false);
        List<String> zones = f.strings("zones", List.of());
        for (String z : zones) {
            if (!known.zones().contains(z)) {
                f.problem("zones", "'" + z + "' is not a zone of any camera" + (known.zones().isEmpty()
                        ? " (no camera has zones:)" : "; zones: " + String.join(", ", known.zones())));
            }
        }
        f.finish();
        return new SinkFilter(new LinkedHashSet<>(cameras), new LinkedHashSet<>(labels), new LinkedHashSet<>(types),
                minScore, new LinkedHashSet<>(zones));
    }

    /** A secret from the environment; one written into the file works but is a warning. Never echoed. */
    private static String secret(Section s, String key, String variable) {
        String v = blankToNull(s.string(key, null));
        JsonNode raw = s.raw(key);
        if (v != null && raw != null && !raw.asText().contains("${")) {
            s.warn(key, "is written into the config file; keep secrets in the environment: " + key + ": ${" + variable
                    + "} (e.g. in /etc/default/edge-cascade, readable only by root)");
        }
        return v;
    }

    private static boolean readable(Section s, String key, String path, String fix) {
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            s.problem(key, "file not found: " + path + "; " + fix);
            return false;
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            s.problem(key, "not a readable file: " + path + "; check the path and its permissions");
            return false;
        }
        return true;
    }

    private static String redact(URI u) {
        return u.getScheme() + "://" + (u.getHost() == null ? "" : u.getHost()) + (u.getRawPath() == null ? ""
                : u.getRawPath());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** {@code edge-cascade-<hostname>}. */
    static String defaultClientId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "agent";
            }
        }
        return "edge-cascade-" + host.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
