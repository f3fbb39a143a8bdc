package io.edgecascade.cascade.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsSettingsTest {

    @Test
    void hostAndPort() {
        assertEquals(new MetricsSettings(true, "0.0.0.0", 9108), MetricsSettings.parse("0.0.0.0:9108"));
        assertEquals(new MetricsSettings(true, "localhost", 80), MetricsSettings.parse(" localhost:80 "));
    }

    @Test
    void ipv6InBrackets() {
        MetricsSettings s = MetricsSettings.parse("[::1]:9108");
        assertEquals("::1", s.host());
        assertEquals(9108, s.port());
        assertEquals("[::1]:9108", s.toString());
    }

    @Test
    void aBarePortListensOnLoopback() {
        assertEquals(new MetricsSettings(true, "127.0.0.1", 9200), MetricsSettings.parse("9200"));
    }

    @Test
    void zeroTurnsTheEndpointOff() {
        assertFalse(MetricsSettings.parse("0").enabled());
        assertTrue(MetricsSettings.parse("127.0.0.1:0").enabled());
    }

    @Test
    void theDefaultIsLoopbackOn9108() {
        assertEquals("127.0.0.1:9108", MetricsSettings.DEFAULT.toString());
        assertEquals(MetricsSettings.DEFAULT, MetricsSettings.parse(MetricsSettings.DEFAULT.toString()));
    }

    @Test
    void badValuesSayWhatToWrite() {
        for (String bad : new String[] {"", "localhost", "host:port", "1.2.3.4:70000", "http://x:1", "a b:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MetricsSettings.parse(bad), bad);
            assertTrue(e.getMessage().contains("127.0.0.1:9108") || e.getMessage().contains("1..65535"),
                    e.getMessage());
        }
    }
}
