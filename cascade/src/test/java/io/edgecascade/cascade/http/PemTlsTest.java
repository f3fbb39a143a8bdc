package io.edgecascade.cascade.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.testing.Certificates;
import io.edgecascade.cascade.testing.Certificates.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM files as openssl writes them, read into a TLS context; every bad file named with its fix. */
class PemTlsTest {

    @TempDir
    Path dir;

    @Test
    void pkcs8KeysAreRead() throws Exception {
        for (KeyFormat format : new KeyFormat[] {KeyFormat.RSA_PKCS8, KeyFormat.EC_PKCS8}) {
            Certificates.Pair pair = Certificates.selfSigned(dir, format.name(), format);
            PemTls tls = PemTls.load(pair.cert(), pair.key(), "ui.tls_cert", "ui.tls_key");
            assertTrue(tls.certificate().getSubjectX500Principal().getName().contains("CN=localhost"));
            assertEquals("TLS", tls.serverContext().getProtocol(), format.name());
        }
    }

    @Test
    void olderKeyFormatsAreRefusedWithTheCommandThatConvertsThem() throws Exception {
        for (KeyFormat format : new KeyFormat[] {KeyFormat.RSA_PKCS1, KeyFormat.EC_SEC1}) {
            Certificates.Pair pair = Certificates.selfSigned(dir, format.name(), format);
            String m = message(pair.cert(), pair.key());
            assertTrue(m.startsWith("ui.tls_key: the key in " + pair.key() + " is in the older"), m);
            assertTrue(m.contains("openssl pkcs8 -topk8 -nocrypt -in " + pair.key()), m);
        }
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Certificates.Pair a = Certificates.selfSigned(dir, "a", KeyFormat.RSA_PKCS8);
        Certificates.Pair b = Certificates.selfSigned(dir, "b", KeyFormat.RSA_PKCS8);
        Certificates.Pair ec = Certificates.selfSigned(dir, "ec", KeyFormat.EC_PKCS8);
        for (Path wrongKey : new Path[] {b.key(), ec.key()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PemTls.load(a.cert(), wrongKey, "ui.tls_cert", "ui.tls_key"));
            assertEquals("ui.tls_key: the key in " + wrongKey + " does not belong to the certificate in " + a.cert()
                    + " (ui.tls_cert); give the key the certificate was made for", e.getMessage());
        }
    }

    @Test
    void unreadableAndWrongFilesAreNamedWithTheFix() throws Exception {
        Certificates.Pair pair = Certificates.selfSigned(dir, "ok", KeyFormat.RSA_PKCS8);
        Path missing = dir.resolve("missing.pem");
        assertEquals("ui.tls_cert: file not found: " + missing + "; fix the path", message(missing, pair.key()));
        assertTrue(message(pair.key(), pair.key()).startsWith("ui.tls_cert: " + pair.key() + " holds no PEM"
                + " certificate"), message(pair.key(), pair.key()));
        assertTrue(message(pair.cert(), pair.cert()).startsWith("ui.tls_key: " + pair.cert() + " holds no PEM"
                + " private key"), message(pair.cert(), pair.cert()));
        Path encrypted = Certificates.encrypted(dir, pair.key());
        assertTrue(message(pair.cert(), encrypted).contains("is encrypted") && message(pair.cert(), encrypted)
                .contains("openssl pkcs8 -in " + encrypted), message(pair.cert(), encrypted));
        Path binary = Files.write(dir.resolve("cert.der"), new byte[] {0x30, (byte) 0x82, (byte) 0xff, 0x00});
        assertTrue(message(binary, pair.key()).contains("is not a PEM file"), message(binary, pair.key()));
        Path unreadable = Files.createDirectory(dir.resolve("a-folder.pem"));
        assertTrue(message(unreadable, pair.key()).startsWith("ui.tls_cert: cannot read " + unreadable),
                message(unreadable, pair.key()));
    }

    private static String message(Path cert, Path key) {
        return assertThrows(IllegalArgumentException.class, () -> PemTls.load(cert, key, "ui.tls_cert",
                "ui.tls_key")).getMessage();
    }
}
