package io.edgecascade.cascade.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostCheckTest {

    @Test
    void theHostPartOfAHeader() {
        assertEquals("box", HostCheck.hostOf("box"));
        assertEquals("box.lan", HostCheck.hostOf("Box.LAN.:8090"));
        assertEquals("::1", HostCheck.hostOf("[::1]:8090"));
        assertEquals("fd00::20", HostCheck.hostOf("[fd00::20]"));
        assertNull(HostCheck.hostOf(null));
        assertNull(HostCheck.hostOf(""));
        assertNull(HostCheck.hostOf("::1"), "IPv6 must be in brackets");
        assertNull(HostCheck.hostOf("box:port"));
        assertNull(HostCheck.hostOf("[::1]junk"));
    }

    @Test
    void literalsAreParsedNamesNeverLookedUp() {
        assertNotNull(HostCheck.literal("192.168.1.20"));
        assertNotNull(HostCheck.literal("fe80::1"));
        assertNull(HostCheck.literal("example.com"), "a name is not a literal: no lookup");
        assertNull(HostCheck.literal("1.2.3.999"), "not an address: InetAddress would look it up as a name");
        assertNull(HostCheck.literal("1.2.3.4.example.com"));
    }

    @Test
    void configuredNamesAndAddressesAreAnsweredToOthersNot() {
        HostCheck check = HostCheck.forServer("0.0.0.0", List.of("NUC.local.", "192.0.2.7", "[2001:db8::7]"));
        assertTrue(check.allows("nuc.local:8090"));
        assertTrue(check.allows("192.0.2.7"));
        assertTrue(check.allows("[2001:db8::7]:8090"));
        assertTrue(check.allows("localhost:8090"));
        assertTrue(check.allows("127.0.0.53:8090"), "all of 127/8 is this machine");
        assertFalse(check.allows("0.0.0.0:8090"), "the wildcard is no address of the machine");
        assertFalse(check.allows("nuc.local.evil.example"));
        assertFalse(check.allows("192.0.2.8"));
        assertFalse(check.allows(null));
        assertTrue(HostCheck.forServer("192.0.2.9", List.of()).allows("192.0.2.9:8090"), "the listen address");
    }

    @Test
    void anAllowedHostEntryIsANameOrAnAddress() {
        assertNull(HostCheck.problem("nuc.local"));
        assertNull(HostCheck.problem("cam-box-3.site.example"));
        assertNull(HostCheck.problem("192.168.1.20"));
        assertNull(HostCheck.problem("[fd00::20]"));
        assertTrue(HostCheck.problem("nuc.local:8090").contains("without scheme, port"), HostCheck.problem("x:1"));
        assertTrue(HostCheck.problem("http://nuc.local").contains("without scheme"));
        assertTrue(HostCheck.problem("*.lan").contains("wildcard"));
        assertTrue(HostCheck.problem("300.1.1.1").contains("not a valid IP address"));
        assertTrue(HostCheck.problem("bad_host!").contains("not a host name"));
        assertTrue(HostCheck.problem(" ").contains("empty"));
    }
}
