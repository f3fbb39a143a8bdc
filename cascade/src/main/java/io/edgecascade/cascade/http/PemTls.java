package io.edgecascade.cascade.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A server certificate chain and its private key from PEM files (what openssl, certbot and most CAs write), as an
 * {@link SSLContext} for an HTTPS endpoint. The key is read in PKCS#8 ({@code BEGIN PRIVATE KEY}, what openssl 3 and
 * certbot write, and what the JDK reads itself; {@code cloud.tls} asks for the same); an older PKCS#1 or SEC1 key and an
 * encrypted key are refused with the openssl command that converts them, and a key that does not belong to the
 * certificate is refused before anything listens.
 */
public final class PemTls {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private PemTls(List<X509Certificate> chain, PrivateKey key) {
        this.chain = List.copyOf(chain);
        this.key = key;
    }

    /**
     * Reads and checks both files.
     *
     * @param certKey the config key naming the certificate ({@code ui.tls_cert}), for messages
     * @param keyKey  the config key naming the key ({@code ui.tls_key})
     * @throws IllegalArgumentException with one line naming the key, the file, the problem and the fix
     */
    public static PemTls load(Path cert, Path key, String certKey, String keyKey) {
        List<X509Certificate> chain = readChain(cert, certKey);
        PrivateKey privateKey = readKey(key, keyKey, chain.get(0).getPublicKey().getAlgorithm());
        if (!belongTogether(privateKey, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException(keyKey + ": the key in " + key + " does not belong to the certificate"
                    + " in " + cert + " (" + certKey + "); give the key the certificate was made for");
        }
        return new PemTls(chain, privateKey);
    }

    /** The server's own certificate (the first of the chain). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** A TLS context serving this certificate chain with this key. */
    public SSLContext serverContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers().getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS with this certificate and key: " + e.getMessage(), e);
        }
    }

    /** This certificate chain and key as key managers: a server's, or a client's for mutual TLS. */
    public KeyManagerFactory keyManagers() {
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, password);
            store.setKeyEntry("key", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            return keys;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS with this certificate and key: " + e.getMessage(), e);
        }
    }

    /**
     * Trust managers that trust the CA certificates of a PEM file (a client checking a server signed by its own CA).
     *
     * @param configKey the config key naming the file ({@code mqtt.tls.ca}), for messages
     * @throws IllegalArgumentException with one line naming the key, the file, the problem and the fix
     */
    public static TrustManagerFactory trustManagers(Path caFile, String configKey) {
        List<X509Certificate> cas = readChain(caFile, configKey);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(configKey + ": cannot trust the certificates of " + caFile + " ("
                    + e.getMessage() + ")", e);
        }
    }

    private static List<X509Certificate> readChain(Path file, String configKey) {
        String text = read(file, configKey);
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der(m.group(2)))));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new IllegalArgumentException(configKey + ": " + file + " holds a certificate that cannot be read ("
                    + e.getMessage() + "); give a PEM file with -----BEGIN CERTIFICATE-----", e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(configKey + ": " + file + " holds no PEM certificate (-----BEGIN"
                    + " CERTIFICATE-----); give the server certificate, followed by any intermediate ones");
        }
        return out;
    }

    private static PrivateKey readKey(Path file, String configKey, String certificateAlgorithm) {
        String text = read(file, configKey);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            try {
                der = der(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(configKey + ": " + file + " is not valid PEM (" + e.getMessage()
                        + ")", e);
            }
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(der, file, configKey, certificateAlgorithm);
                case "RSA PRIVATE KEY", "EC PRIVATE KEY":
                    throw new IllegalArgumentException(configKey + ": the key in " + file + " is in the older "
                            + (type.startsWith("RSA") ? "PKCS#1" : "SEC1") + " format (-----BEGIN " + type
                            + "-----); convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file
                            + " -out key.pem (then chmod 600 key.pem)");
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException(configKey + ": the key in " + file + " is encrypted; the agent"
                            + " starts unattended, so give it unencrypted and readable only by its user:"
                            + " openssl pkcs8 -in " + file + " -out key.pem (then chmod 600 key.pem)");
                default:
                    // the certificate in the same file, parameters: look further
            }
        }
        if (text.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new IllegalArgumentException(configKey + ": the key in " + file + " is encrypted; decrypt it:"
                    + " openssl pkey -in " + file + " -out key.pem (then chmod 600 key.pem)");
        }
        throw new IllegalArgumentException(configKey + ": " + file + " holds no PEM private key (-----BEGIN PRIVATE"
                + " KEY-----); give the private key of the certificate");
    }

    private static PrivateKey pkcs8(byte[] der, Path file, String configKey, String preferred) {
        List<String> algorithms = new ArrayList<>(List.of(preferred));
        for (String a : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            if (!algorithms.contains(a)) {
                algorithms.add(a);
            }
        }
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next kind of key
            }
        }
        throw new IllegalArgumentException(configKey + ": " + file + " holds a private key of a kind that cannot be"
                + " read; use an RSA, EC (P-256/P-384) or Ed25519 key");
    }

    /** Whether the certificate's public key verifies what the private key signs. */
    private static boolean belongTogether(PrivateKey key, PublicKey certificateKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = signature(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = signature(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // keys of different kinds, or parameters that do not match
        }
    }

    private static Signature signature(String algorithm) throws GeneralSecurityException {
        Signature s = Signature.getInstance(algorithm);
        if (algorithm.equals("RSASSA-PSS")) {
            s.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        }
        return s;
    }

    private static String read(Path file, String configKey) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(configKey + ": file not found: " + file + "; fix the path", e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(configKey + ": " + file + " is not a PEM file (it is binary; convert"
                    + " DER with openssl x509/pkey -inform der -in FILE -out FILE.pem)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(configKey + ": cannot read " + file + " (" + e.getMessage()
                    + "); check the path and that the agent's user may read it", e);
        }
    }

    private static byte[] der(String base64) {
        return Base64.getMimeDecoder().decode(base64);
    }
}
