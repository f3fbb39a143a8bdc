package io.edgecascade.cascade.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What proves a request knows an endpoint's token: the token itself (a bearer header, the login form) or a
 * browser session made from it. Every comparison takes the same time whatever the input, so answers leak nothing
 * of the token's bytes.
 *
 * <p>A session is {@code v1.<issued epoch seconds>.<HMAC-SHA256(token, issued)>}: stateless, so sessions survive a
 * restart of the agent, the cookie never carries the token itself, each lasts {@link #SESSION_LIFETIME}, and
 * changing the token ends them all.
 */
final class Credentials {

    static final Duration SESSION_LIFETIME = Duration.ofDays(30);
    /** Clock difference tolerated for a session issued "in the future" (the clock was set back). */
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final String VERSION = "v1";

    private final byte[] tokenDigest;
    private final SecretKeySpec sessionKey;

    Credentials(String token) {
        this.tokenDigest = sha256(token);
        this.sessionKey = new SecretKeySpec(("edge-cascade session " + token).getBytes(StandardCharsets.UTF_8),
                "HmacSHA256");
    }

    /** Whether {@code presented} is the token; constant time (digests of equal length are compared). */
    boolean isToken(String presented) {
        return presented != null && MessageDigest.isEqual(tokenDigest, sha256(presented));
    }

    /** A new session value, issued now. */
    String newSession(Instant now) {
        String issued = Long.toString(now.getEpochSecond());
        return VERSION + "." + issued + "." + mac(issued);
    }

    /** Whether {@code value} is a session this token issued that has not expired. */
    boolean isSession(String value, Instant now) {
        if (value == null) {
            return false;
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION) || !parts[1].matches("\\d{1,12}")) {
            return false;
        }
        boolean genuine = MessageDigest.isEqual(mac(parts[1]).getBytes(StandardCharsets.US_ASCII),
                parts[2].getBytes(StandardCharsets.US_ASCII));
        Instant issued = Instant.ofEpochSecond(Long.parseLong(parts[1]));
        return genuine && !issued.isAfter(now.plus(SKEW)) && issued.plus(SESSION_LIFETIME).isAfter(now);
    }

    private String mac(String issued) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(sessionKey);
            byte[] tag = mac.doFinal((VERSION + "." + issued).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
