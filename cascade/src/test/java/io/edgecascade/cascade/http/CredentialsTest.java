package io.edgecascade.cascade.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final Credentials credentials = new Credentials("0123456789abcdef0123456789abcdef");

    @Test
    void onlyTheTokenIsTheToken() {
        assertTrue(credentials.isToken("0123456789abcdef0123456789abcdef"));
        assertFalse(credentials.isToken("0123456789abcdef0123456789abcde"));
        assertFalse(credentials.isToken("0123456789abcdef0123456789abcdef "));
        assertFalse(credentials.isToken(""));
        assertFalse(credentials.isToken(null));
    }

    @Test
    void aSessionLastsThirtyDaysAndOnlyForItsToken() {
        String session = credentials.newSession(NOW);
        assertTrue(credentials.isSession(session, NOW));
        assertTrue(credentials.isSession(session, NOW.plus(Duration.ofDays(29))));
        assertFalse(credentials.isSession(session, NOW.plus(Duration.ofDays(30))), "expired");
        assertFalse(credentials.isSession(session, NOW.minus(Duration.ofHours(1))), "issued in the future");
        assertFalse(new Credentials("another token, another key!!").isSession(session, NOW),
                "a new token ends every session");
    }

    @Test
    void aForgedSessionIsRefused() {
        String session = credentials.newSession(NOW);
        String[] parts = session.split("\\.");
        String later = Long.toString(Long.parseLong(parts[1]) + 86_400);
        assertFalse(credentials.isSession(parts[0] + "." + later + "." + parts[2], NOW), "a moved issue date");
        assertFalse(credentials.isSession(session + "x", NOW));
        assertFalse(credentials.isSession("v2." + parts[1] + "." + parts[2], NOW));
        assertFalse(credentials.isSession("v1..", NOW));
        assertFalse(credentials.isSession("", NOW));
        assertFalse(credentials.isSession(null, NOW));
    }
}
