package io.edgecascade.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecascade.cascade.http.AccessRules;
import io.edgecascade.cascade.http.HostCheck;
import io.edgecascade.cascade.http.PemTls;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The keys that say who may ask an HTTP endpoint, shared by {@code ui:} and {@code metrics:}: {@code allowed_hosts},
 * {@code token}, and the page's {@code tls_cert}/{@code tls_key}.
 */
final class Access {

    /** Shortest token accepted: 16 characters (openssl rand -hex 16 gives 32). */
    static final int MIN_TOKEN = 16;
    private static final Pattern HEADER_SAFE = Pattern.compile("[\\x21-\\x7e]+");
    private static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    private Access() {
    }

    /**
     * {@code allowed_hosts} and {@code token} of a section.
     *
     * @param variable the environment variable the messages suggest for the token ({@code EDGE_UI_TOKEN})
     */
    static AccessRules read(Section s, String variable) {
        List<String> hosts = s.strings("allowed_hosts", List.of());
        List<String> good = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            String problem = HostCheck.problem(hosts.get(i));
            if (problem == null) {
                good.add(hosts.get(i));
            } else {
                s.problem("allowed_hosts[" + i + "]", problem);
            }
        }
        String token = s.string("token", null);
        if (token != null && !token.isEmpty()) {
            // never echo the value: it is a secret, and these lines reach logs
            if (!HEADER_SAFE.matcher(token).matches()) {
                s.problem("token", "holds spaces or characters outside printable ASCII, which an HTTP header"
                        + " cannot carry; use e.g. the output of openssl rand -hex 16");
                token = null;
            } else if (token.length() < MIN_TOKEN) {
                s.problem("token", "is " + token.length() + " characters long; use at least " + MIN_TOKEN
                        + " random characters, e.g. the output of openssl rand -hex 16");
                token = null;
            } else {
                JsonNode raw = s.raw("token");
                if (raw != null && !raw.asText().contains("${")) {
                    s.warn("token", "is written into the config file; keep secrets in the environment: token: ${"
                            + variable + "} (e.g. in /etc/default/edge-cascade, readable only by root)");
                }
            }
        }
        return new AccessRules(good, token);
    }

    /** {@code tls_cert} and {@code tls_key}: both or neither, readable PEM, the key of the certificate. */
    static Path[] readTls(Section s) {
        String cert = s.string("tls_cert", null);
        String key = s.string("tls_key", null);
        if (cert == null && key == null) {
            return new Path[2];
        }
        if (cert == null || key == null) {
            s.problem(cert == null ? "tls_cert" : "tls_key", "is missing; HTTPS needs both tls_cert (the"
                    + " certificate chain, PEM) and tls_key (its private key, PEM)");
            return new Path[2];
        }
        try {
            X509Certificate c = PemTls.load(Path.of(cert), Path.of(key), s.key("tls_cert"), s.key("tls_key"))
                    .certificate();
            Instant notAfter = c.getNotAfter().toInstant();
            if (notAfter.isBefore(Instant.now())) {
                s.warn("tls_cert", "the certificate in " + cert + " expired on " + notAfter + "; browsers refuse it;"
                        + " renew it");
            } else if (notAfter.isBefore(Instant.now().plus(EXPIRY_WARNING))) {
                s.warn("tls_cert", "the certificate in " + cert + " expires on " + notAfter + "; renew it");
            }
        } catch (IllegalArgumentException e) {
            s.problemLine(e.getMessage());
            return new Path[2];
        }
        return new Path[] {Path.of(cert), Path.of(key)};
    }

    /** Whether {@code host} reaches only this machine: loopback addresses and names that resolve only to them. */
    static boolean loopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
