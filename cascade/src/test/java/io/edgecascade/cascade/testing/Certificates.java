package io.edgecascade.cascade.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Certificates made at test time with openssl (Debian {@code openssl}), and a client that trusts one. */
public final class Certificates {

    /** How the private key is written. */
    public enum KeyFormat {
        /** {@code BEGIN PRIVATE KEY}, RSA: what {@code openssl req -newkey} writes. */
        RSA_PKCS8,
        /** {@code BEGIN PRIVATE KEY}, EC P-256: what {@code openssl genpkey} writes. */
        EC_PKCS8,
        /** {@code BEGIN RSA PRIVATE KEY}: {@code openssl genrsa -traditional}, older tools. */
        RSA_PKCS1,
        /** {@code BEGIN EC PRIVATE KEY}: {@code openssl ecparam -genkey}. */
        EC_SEC1
    }

    /** A certificate file and its key file. */
    public record Pair(Path cert, Path key) {
    }

    private Certificates() {
    }

    /** A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, valid for a year. */
    public static Pair selfSigned(Path dir, String name, KeyFormat format) throws Exception {
        return selfSigned(dir, name, format, 365);
    }

    /** A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, valid for {@code days}. */
    public static Pair selfSigned(Path dir, String name, KeyFormat format, int days) throws Exception {
        ExternalTool.require("openssl");
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        List<String> req = new ArrayList<>(List.of("req", "-x509", "-days", Integer.toString(days), "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-out", cert.toString()));
        switch (format) {
            case RSA_PKCS8 -> req.addAll(List.of("-newkey", "rsa:2048", "-nodes", "-keyout", key.toString()));
            case EC_PKCS8 -> {
                openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                        key.toString());
                req.addAll(List.of("-key", key.toString()));
            }
            case RSA_PKCS1 -> {
                openssl(dir, "genrsa", "-traditional", "-out", key.toString(), "2048");
                req.addAll(List.of("-key", key.toString()));
            }
            case EC_SEC1 -> {
                openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
                req.addAll(List.of("-key", key.toString()));
            }
        }
        openssl(dir, req.toArray(new String[0]));
        return new Pair(cert, key);
    }

    /** A test certificate authority: its certificate (CA:TRUE) and key, valid for a year. */
    public static Pair authority(Path dir, String name) throws Exception {
        ExternalTool.require("openssl");
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        openssl(dir, "req", "-x509", "-days", "365", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-subj", "/CN=edge-cascade test CA " + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", cert.toString());
        return new Pair(cert, key);
    }

    /** A certificate for {@code localhost} and {@code 127.0.0.1} issued by {@code ca} (a server's, or a client's). */
    public static Pair issued(Path dir, Pair ca, String name) throws Exception {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
        openssl(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-subj",
                "/CN=localhost", "-out", csr.toString());
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", ca.cert().toString(), "-CAkey", ca.key().toString(),
                "-CAcreateserial", "-days", "365", "-extfile", ext.toString(), "-out", cert.toString());
        return new Pair(cert, key);
    }

    /** {@code key} encrypted with a passphrase (PKCS#8), as some users keep keys. */
    public static Path encrypted(Path dir, Path key) throws Exception {
        Path out = dir.resolve("encrypted-" + key.getFileName());
        openssl(dir, "pkcs8", "-topk8", "-in", key.toString(), "-out", out.toString(), "-passout", "pass:secret");
        return out;
    }

    /** A client TLS context that trusts {@code cert} only. */
    public static SSLContext trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** Runs {@code openssl args} in {@code dir}; fails with its output when it fails. */
    public static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl " + cmd + ": " + out);
    }
}
