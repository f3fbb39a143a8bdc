package io.edgecascade.cascade.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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

/**
 * A server certificate chain and its private key from PEM files (what openssl, certbot and most CAs write), as an
 * {@link SSLContext} for an HTTPS endpoint. Keys in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE KEY}) are read; an encrypted key is refused
 * with the command that decrypts it, and a key that does not belong to the certificate is refused before anything
 * listens.
 */
public final class PemTls {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** DER of the AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** DER of the OID id-ecPublicKey (1.2.840.10045.2.1). */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

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
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, password);
            store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS with this certificate and key: " + e.getMessage(), e);
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
                case "RSA PRIVATE KEY":
                    return pkcs8(wrap(0, RSA_ALGORITHM, der), file, configKey, "RSA");
                case "EC PRIVATE KEY":
                    return pkcs8(wrapSec1(der, file, configKey), file, configKey, "EC");
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

    /** PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER version, algorithm, OCTET STRING key }. */
    private static byte[] wrap(int version, byte[] algorithm, byte[] key) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, (byte) version});
        body.writeBytes(algorithm);
        body.writeBytes(tlv(0x04, key));
        return tlv(0x30, body.toByteArray());
    }

    /** A SEC1 ECPrivateKey as PKCS#8, its curve taken from its own parameters ([0]). */
    private static byte[] wrapSec1(byte[] sec1, Path file, String configKey) {
        byte[] curve = null;
        try {
            int[] outer = header(sec1, 0);
            int at = outer[0];
            int end = at + outer[1];
            while (at < end) {
                int[] h = header(sec1, at);
                if ((sec1[at] & 0xff) == 0xa0) {
                    curve = java.util.Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
                }
                at = h[0] + h[1];
            }
        } catch (IndexOutOfBoundsException e) {
            curve = null;
        }
        if (curve == null) {
            throw new IllegalArgumentException(configKey + ": the EC key in " + file + " does not name its curve;"
                    + " convert it: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        }
        ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
        algorithm.writeBytes(EC_PUBLIC_KEY);
        algorithm.writeBytes(curve);
        return wrap(0, tlv(0x30, algorithm.toByteArray()), sec1);
    }

    /** {content start, content length} of the DER element at {@code at}. */
    private static int[] header(byte[] der, int at) {
        int length = der[at + 1] & 0xff;
        int start = at + 2;
        if (length > 0x80) {
            int n = length & 0x7f;
            length = 0;
            for (int i = 0; i < n; i++) {
                length = (length << 8) | (der[start + i] & 0xff);
            }
            start += n;
        }
        if (start + length > der.length) {
            throw new IndexOutOfBoundsException("truncated DER");
        }
        return new int[] {start, length};
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
