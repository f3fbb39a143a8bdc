package io.edgecascade.cascade.notify.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Edge-Cascade-Signature} of a webhook request: {@code sha256=} and the lowercase hex HMAC-SHA256 of the
 * request's body (the whole body as sent: the JSON, or the whole multipart body with a snapshot), keyed with the
 * webhook's secret. A receiver computes the same over the bytes it read and compares in constant time
 * ({@link #verify}).
 */
public final class Signature {

    public static final String HEADER = "X-Edge-Cascade-Signature";
    private static final String PREFIX = "sha256=";

    private Signature() {
    }

    public static String of(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** Whether {@code header} is the signature of {@code body} with {@code secret} (constant-time comparison). */
    public static boolean verify(String secret, byte[] body, String header) {
        if (header == null) {
            return false;
        }
        return MessageDigest.isEqual(of(secret, body).getBytes(StandardCharsets.US_ASCII),
                header.trim().getBytes(StandardCharsets.US_ASCII));
    }
}
