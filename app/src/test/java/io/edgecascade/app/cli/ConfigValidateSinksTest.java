package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config validate} on {@code mqtt:} and {@code webhooks:}: what each sink does, and one clear line per mistake. */
class ConfigValidateSinksTest {

    @TempDir
    Path dir;

    private Path config(String sinks) throws Exception {
        return Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                cameras:
                  - id: lobby
                    source: %s
                    zones: { door: [[0, 0], [100, 0], [100, 100]] }
                """.formatted(TestAssets.model(), TestAssets.labels(), TestAssets.personVideo()) + sinks);
    }

    @Test
    void aValidConfigShowsEachSinkWithoutItsSecrets() throws Exception {
        Path c = config("""
                mqtt:
                  host: 127.0.0.1
                  user: edge
                  password: written-in-the-file
                  topic_prefix: site/edge-cascade
                  home_assistant: true
                  outbox_dir: %s
                  filter: { labels: [person], min_score: 0.6 }
                webhooks:
                  - name: alarm
                    url: https://hooks.example/edge?token=x
                    headers: { X-Site: north }
                    secret: ${HOME}
                    snapshot: true
                    timeout_ms: 2000
                    max_attempts: 4
                    outbox_dir: %s
                    filter: { cameras: [lobby], types: [new, end], zones: [door] }
                """.formatted(dir.resolve("mqtt-outbox"), dir.resolve("alarm-outbox")));
        Cli r = Cli.run("config", "validate", c.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        String mqtt = Pattern.quote("mqtt: mqtt://edge@127.0.0.1:1883 (password set), client id ")
                + "edge-cascade-[A-Za-z0-9._-]+" + Pattern.quote(", topics site/edge-cascade/..., qos 1, Home Assistant"
                + " discovery under homeassistant/, stats every 60 s; filter: labels person, score >= 0.60; outbox "
                + dir.resolve("mqtt-outbox") + " (up to 64 MB, fsync interval), a message is given up after 10 failed"
                + " attempts, dead letters " + dir.resolve("mqtt-outbox-dead-letters"));
        assertTrue(lines.stream().anyMatch(l -> l.matches(mqtt)), "the default client id edge-cascade-<hostname>: "
                + r);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("webhook alarm: POST https://hooks.example/edge,"
                + " headers X-Site, signed (X-Edge-Cascade-Signature), with snapshot, timeout 2000 ms; filter:"
                + " cameras lobby, types end|new, entered zones door;")), r.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("best frames: JPEG")), "snapshots use the best frames");
        assertFalse(r.out().contains("written-in-the-file") || r.err().contains("written-in-the-file"),
                "a password is never echoed: " + r);
        assertFalse(r.out().contains("token=x"), "a URL's query is left out of what is shown: " + r);
        assertTrue(r.err().lines().anyMatch(l -> l.contains("warning: mqtt.password: is written into the config"
                + " file; keep secrets in the environment: password: ${MQTT_PASSWORD}")), r.toString());
        assertEquals("ok", lines.get(lines.size() - 1));
    }

    @Test
    void eachMistakeIsOneLineNamingTheKeyAndTheFix() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.txt"), "not a certificate");
        Path c = config("""
                mqtt:
                  host: mqtt://broker.lan
                  port: 70000
                  qos: 3
                  topic_prefix: "edge/#"
                  discovery_prefix: "/ha"
                  tls: { ca: %s, cert: %s }
                  password: p
                  filter: { cameras: [attic], types: [begin], min_score: 2, zones: [garden] }
                  outbox_dir: %s
                  hots: typo
                webhooks:
                  - name: Alarm!
                    url: ftp://hooks.example/x
                    headers: { Content-Type: text/plain, "Bad Header": x }
                    outbox_dir: %s
                  - url: https://user:pw@hooks.example/
                    max_backoff_ms: 10
                    backoff_ms: 100
                """.formatted(dir.resolve("missing-ca.pem"), notPem, dir.resolve("shared"), dir.resolve("shared")));
        Cli r = Cli.run("config", "validate", c.toString());
        assertTrue(r.exitCode() != 0, r.toString());
        String err = r.err();
        for (String expected : List.of(
                "mqtt.host: 'mqtt://broker.lan' is not a host name or address; give the host alone",
                "mqtt.port",
                "mqtt.qos",
                "mqtt.topic_prefix: 'edge/#' holds the MQTT wildcard '#', which topics cannot hold",
                "mqtt.discovery_prefix: '/ha' has an empty level",
                "mqtt.tls.ca: file not found: " + dir.resolve("missing-ca.pem"),
                "mqtt.tls.key: is missing; a client certificate needs both cert and key",
                "mqtt.password: is set without mqtt.user",
                "mqtt.filter.cameras: 'attic' is not a camera of this config; cameras: lobby",
                "mqtt.filter.types: 'begin' is not a message type; use new, update, end",
                "mqtt.filter.min_score",
                "mqtt.filter.zones: 'garden' is not a zone of any camera; zones: door",
                "mqtt.hots",
                "webhooks[0].name: 'Alarm!' is not a name",
                "webhooks[0].url: 'ftp://hooks.example/x' is not an http:// or https:// URL with a host",
                "webhooks[0].headers.Content-Type: is set by the agent itself; leave it out",
                "webhooks[0].headers.Bad Header: is not a header name",
                "webhooks[0].outbox_dir: '" + dir.resolve("shared") + "' is used by another sink or the spool",
                "webhooks[1].url: holds a user and password; put credentials in headers",
                "webhooks[1].max_backoff_ms: 10 is below backoff_ms 100")) {
            assertTrue(err.contains(expected), "'" + expected + "' in:\n" + err);
        }
        assertFalse(err.contains("user:pw") || err.contains(":pw@"), "the URL's password is never echoed: " + err);
    }

    @Test
    void aCaFileThatIsNotACertificateIsNamed() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.txt"), "not a certificate");
        Path c = config("""
                mqtt: { host: 127.0.0.1, tls: { ca: %s }, outbox_dir: %s }
                """.formatted(notPem, dir.resolve("outbox")));
        Cli r = Cli.run("config", "validate", c.toString());
        assertTrue(r.exitCode() != 0, r.toString());
        assertTrue(r.err().contains("mqtt.tls.ca"), r.toString());
        assertTrue(r.err().contains(notPem.toString()), "names the file: " + r);
    }
}
