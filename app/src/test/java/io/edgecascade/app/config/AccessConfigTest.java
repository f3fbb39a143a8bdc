package io.edgecascade.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.http.AccessRules;
import io.edgecascade.cascade.testing.Certificates;
import io.edgecascade.cascade.testing.TestMedia;
import io.edgecascade.cascade.ui.UiSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may ask the page and the metrics endpoint: {@code allowed_hosts}, {@code token} (from the environment),
 * {@code ui.tls_cert}/{@code ui.tls_key}; and the warnings of {@code config validate} for an endpoint open to the
 * network without a token.
 */
class AccessConfigTest {

    private static final String TOKEN = "s3cr3t-t0ken-from-the-environment";
    private static final Map<String, String> ENV = Map.of("EDGE_UI_TOKEN", TOKEN, "EDGE_METRICS_TOKEN",
            "metrics-token-0123456789", "SHORT", "abc");

    @TempDir
    Path dir;

    private static String yaml(String sections) {
        return "model:\n  path: " + TestMedia.model() + "\n  labels: " + TestMedia.labels() + "\n" + sections
                + "cameras:\n  - id: lobby\n    source: " + TestMedia.video() + "\n";
    }

    private static AppConfig parse(String sections, List<String> warnings) throws ConfigException {
        return new ConfigLoader(ENV, List.of("auto", "onnxruntime-cpu")).parse(yaml(sections), "test.yml", warnings);
    }

    private static List<String> problems(String sections) {
        return assertThrows(ConfigException.class, () -> parse(sections, new ArrayList<>())).problems();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Certificates.Pair pair = Certificates.selfSigned(dir, "page", Certificates.KeyFormat.RSA_PKCS8);
        List<String> warnings = new ArrayList<>();
        AppConfig c = parse("ui:\n  listen: 0.0.0.0:8443\n  allowed_hosts: [nuc.local, 192.168.1.20]\n"
                + "  token: ${EDGE_UI_TOKEN}\n  tls_cert: " + pair.cert() + "\n  tls_key: " + pair.key() + "\n"
                + "metrics:\n  listen: 0.0.0.0:9108\n  allowed_hosts: edge-3.site.example\n"
                + "  token: ${EDGE_METRICS_TOKEN}\n", warnings);
        assertEquals(new UiSettings(true, "0.0.0.0", 8443, false, 5, 640, new AccessRules(List.of("nuc.local",
                "192.168.1.20"), TOKEN), pair.cert(), pair.key()), c.ui());
        assertEquals(new AccessRules(List.of("edge-3.site.example"), "metrics-token-0123456789"),
                c.metrics().access());
        assertEquals(List.of(), warnings, "a token from the environment and TLS: nothing to warn of");
        assertFalse(c.ui().access().toString().contains(TOKEN), "the token is never printed");
    }

    @Test
    void withoutTheKeysNothingChanges() throws Exception {
        AppConfig c = parse("ui:\n  listen: 8090\n", new ArrayList<>());
        assertEquals(AccessRules.NONE, c.ui().access());
        assertNull(c.ui().tlsCert());
        assertEquals(AccessRules.NONE, c.metrics().access());
        assertEquals(AccessRules.NONE, parse("ui:\n  token: ${EDGE_UNSET:-}\n", new ArrayList<>()).ui().access(),
                "an empty token is no token");
    }

    @Test
    void badValuesAreReportedUnderTheirKeysWithoutTheToken() throws Exception {
        Certificates.Pair a = Certificates.selfSigned(dir, "a", Certificates.KeyFormat.RSA_PKCS8);
        Certificates.Pair b = Certificates.selfSigned(dir, "b", Certificates.KeyFormat.EC_PKCS8);
        List<String> p = problems("ui:\n  listen: 8090\n  allowed_hosts: [nuc.local:8090, 'http://x', ok.lan]\n"
                + "  token: ${SHORT}\n  tls_cert: " + a.cert() + "\n  tls_key: " + b.key() + "\n"
                + "metrics:\n  token: 'has a space in it, long enough'\n  allowed_hosts: ['*.lan']\n");
        String all = String.join("\n", p);
        assertEquals(6, p.size(), all);
        assertTrue(all.contains("ui.allowed_hosts[0]: 'nuc.local:8090' is not a host name or address; write it"
                + " without scheme, port"), all);
        assertTrue(all.contains("ui.allowed_hosts[1]: "), all);
        assertTrue(all.contains("ui.token: is 3 characters long; use at least 16 random characters, e.g. the output"
                + " of openssl rand -hex 16"), all);
        assertTrue(all.contains("ui.tls_key: the key in " + b.key() + " does not belong to the certificate in "
                + a.cert() + " (ui.tls_cert)"), all);
        assertTrue(all.contains("metrics.token: holds spaces or characters outside printable ASCII"), all);
        assertTrue(all.contains("metrics.allowed_hosts[0]: '*.lan' is not a host name or address"), all);
        assertFalse(all.contains("has a space"), "a token is never echoed: " + all);

        List<String> half = problems("ui:\n  tls_cert: " + a.cert() + "\n");
        assertEquals(List.of("ui.tls_key: is missing; HTTPS needs both tls_cert (the certificate chain, PEM) and"
                + " tls_key (its private key, PEM)"), half);
        List<String> missing = problems("ui:\n  tls_cert: " + dir.resolve("nope.crt") + "\n  tls_key: " + a.key()
                + "\n");
        assertEquals(List.of("ui.tls_cert: file not found: " + dir.resolve("nope.crt") + "; fix the path"), missing);
    }

    @Test
    void anEndpointOpenToTheNetworkWithoutATokenIsWarnedOf() throws Exception {
        List<String> w = new ArrayList<>();
        parse("ui:\n  listen: 0.0.0.0:8090\nmetrics:\n  listen: 0.0.0.0:9108\n", w);
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("metrics.listen: 0.0.0.0:9108 is reachable from the network and no"
                + " metrics.token is set"), w.get(0));
        assertTrue(w.get(1).startsWith("ui.listen: 0.0.0.0:8090 is reachable from the network and no ui.token is"
                + " set: anyone who reaches the port watches the cameras and changes their tuning; set ui.token:"
                + " ${EDGE_UI_TOKEN}"), w.get(1));

        w.clear();
        parse("ui:\n  listen: 127.0.0.1:8090\nmetrics:\n  listen: 9108\n", w);
        parse("ui:\n  listen: localhost:8090\nmetrics:\n  listen: '[::1]:9108'\n", w);
        parse("ui:\n  listen: 0.0.0.0:8090\n  token: ${EDGE_UI_TOKEN}\n  allowed_hosts: [nuc.local]\n"
                .replace("0.0.0.0", "127.0.0.2"), w);
        assertEquals(List.of(), w, "loopback only: nothing to warn of");

        parse("ui:\n  listen: 0.0.0.0:8090\n  token: ${EDGE_UI_TOKEN}\n", w);
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("ui.token: travels in clear text: the page is served over plain HTTP on"
                + " 0.0.0.0:8090; set ui.tls_cert and ui.tls_key"), w.get(0));

        w.clear();
        Certificates.Pair soon = Certificates.selfSigned(dir, "soon", Certificates.KeyFormat.RSA_PKCS8, 2);
        parse("ui:\n  tls_cert: " + soon.cert() + "\n  tls_key: " + soon.key() + "\n", w);
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("ui.tls_cert: the certificate in " + soon.cert() + " expires on "), w.get(0));

        w.clear();
        parse("ui:\n  token: literally-in-the-file-0123\n", w);
        assertEquals(List.of("ui.token: is written into the config file; keep secrets in the environment: token:"
                + " ${EDGE_UI_TOKEN} (e.g. in /etc/default/edge-cascade, readable only by root)"), w);
    }

    @Test
    void configValidateWarnsAndStillSaysOk() throws Exception {
        Path config = Files.writeString(dir.resolve("open.yaml"), yaml("ui:\n  listen: 0.0.0.0:8090\n"
                + "  token: ${EDGE_UI_TOKEN}\n  allowed_hosts: [nuc.local]\nmetrics:\n  listen: 0.0.0.0:9108\n"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.edgecascade.app.cli.Main", "config", "validate", config.toString());
        pb.environment().put("EDGE_UI_TOKEN", TOKEN);
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), out + stderr);
        assertTrue(out.contains("web page: http://0.0.0.0:8090/ (token required; also answers to nuc.local)"), out);
        assertTrue(out.strip().endsWith("ok"), out);
        assertTrue(stderr.contains(config + ": warning: metrics.listen: 0.0.0.0:9108 is reachable from the network"
                + " and no metrics.token is set"), stderr);
        assertTrue(stderr.contains(config + ": warning: ui.token: travels in clear text"), stderr);
        assertFalse((out + stderr).contains(TOKEN), "the token is never printed");
    }
}
