package io.edgecascade.cascade.http;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a request's {@code Host} header names this server: the defence against DNS rebinding, where a page from
 * another site makes the browser send requests to the agent under the attacker's own host name. Answered to:
 * the listen address, {@code localhost} and loopback addresses, the machine's host name (also with
 * {@code .local}), the addresses of its network interfaces, and the configured extra names.
 *
 * <p>A header is only ever compared, never resolved: an IP literal is parsed without a lookup, a name must be in
 * the set. The interfaces' addresses are read at start and again (at most every {@value #REFRESH_MS} ms) when an
 * address that is not among them comes, so a DHCP lease that changes does not lock the user out.
 */
public final class HostCheck {

    private static final Logger LOG = LoggerFactory.getLogger(HostCheck.class);
    static final long REFRESH_MS = 5000;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+(%[0-9a-z_.-]+)?");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    private final Set<String> names;
    private final Set<InetAddress> fixedAddresses;
    private volatile Set<InetAddress> interfaceAddresses;
    private volatile long refreshedAt;

    private HostCheck(Set<String> names, Set<InetAddress> fixedAddresses) {
        this.names = Set.copyOf(names);
        this.fixedAddresses = Set.copyOf(fixedAddresses);
        this.interfaceAddresses = readInterfaces();
        this.refreshedAt = System.nanoTime();
    }

    /**
     * The check of a server listening on {@code listenHost} (an address, a name, or a wildcard such as
     * {@code 0.0.0.0}); looks the machine's own names up once.
     */
    public static HostCheck forServer(String listenHost, List<String> allowedHosts) {
        Set<String> names = new HashSet<>();
        Set<InetAddress> addresses = new HashSet<>();
        names.add("localhost");
        names.add("localhost.localdomain");
        addHost(AccessRules.normalizeHost(listenHost), names, addresses);
        for (String h : allowedHosts) {
            addHost(AccessRules.normalizeHost(h), names, addresses);
        }
        try {
            InetAddress self = InetAddress.getLocalHost();
            String host = AccessRules.normalizeHost(self.getHostName());
            names.add(host);
            names.add(host + ".local"); // mDNS (Avahi), what a LAN user types for a box
            // not the canonical name: a reverse lookup could hold the start for the DNS timeouts; a fully
            // qualified name goes into allowed_hosts
        } catch (UnknownHostException e) {
            LOG.debug("http: the machine's host name does not resolve ({}); it is not answered to", e.getMessage());
        }
        return new HostCheck(names, addresses);
    }

    private static void addHost(String host, Set<String> names, Set<InetAddress> addresses) {
        InetAddress literal = literal(host);
        if (literal != null) {
            if (!literal.isAnyLocalAddress()) {
                addresses.add(literal);
            }
        } else if (!host.isEmpty()) {
            names.add(host);
        }
    }

    /**
     * Whether {@code hostHeader} (as sent: {@code name}, {@code name:port}, {@code 1.2.3.4:port},
     * {@code [::1]:port}) names this server; null or malformed is not.
     */
    public boolean allows(String hostHeader) {
        String host = hostOf(hostHeader);
        if (host == null) {
            return false;
        }
        InetAddress literal = literal(host);
        if (literal == null) {
            return names.contains(host);
        }
        if (literal.isLoopbackAddress() || fixedAddresses.contains(literal)
                || interfaceAddresses.contains(literal)) {
            return true;
        }
        long now = System.nanoTime();
        if (now - refreshedAt > REFRESH_MS * 1_000_000L) {
            refreshedAt = now;
            interfaceAddresses = readInterfaces();
            return interfaceAddresses.contains(literal);
        }
        return false;
    }

    /** The host part of a {@code Host} header, normalized; null when it is missing or malformed. */
    static String hostOf(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0 || (end + 1 < h.length() && !h.substring(end + 1).matches(":\\d{1,5}"))) {
                return null;
            }
            h = h.substring(0, end + 1);
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0) {
                if (!h.substring(colon).matches(":\\d{1,5}")) {
                    return null; // a second colon: an unbracketed IPv6 address, or junk
                }
                h = h.substring(0, colon);
            }
        }
        h = AccessRules.normalizeHost(h);
        return h.isEmpty() ? null : h;
    }

    /** An IP address written as a literal, parsed without a lookup; null for a name. */
    static InetAddress literal(String host) {
        boolean v4 = IPV4.matcher(host).matches();
        boolean v6 = host.indexOf(':') >= 0 && IPV6.matcher(host).matches();
        if (!v4 && !v6) {
            return null;
        }
        if (v4) {
            for (String octet : host.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null; // InetAddress would take it for a name and look it up
                }
            }
        }
        try {
            // brackets make InetAddress insist on an IPv6 literal instead of falling back to a DNS lookup
            return InetAddress.getByName(v6 ? "[" + host + "]" : host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Why {@code host} cannot be an {@code allowed_hosts} entry, or null when it can. */
    public static String problem(String host) {
        String h = AccessRules.normalizeHost(host);
        if (h.isEmpty()) {
            return "an entry is empty; write a host name or address such as nuc.local or 192.168.1.20";
        }
        if (h.contains("/") || h.contains("*") || h.contains("@") || (h.indexOf(':') >= 0 && literal(h) == null)) {
            return "'" + host + "' is not a host name or address; write it without scheme, port, path or"
                    + " wildcard, e.g. nuc.local, 192.168.1.20 or [fd00::20]";
        }
        if (IPV4.matcher(h).matches() || h.indexOf(':') >= 0) {
            return literal(h) != null ? null : "'" + host + "' is not a valid IP address";
        }
        for (String label : h.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return "'" + host + "' is not a host name: labels are letters, digits and '-', separated by"
                        + " dots; e.g. nuc.local";
            }
        }
        return null;
    }

    private static Set<InetAddress> readInterfaces() {
        Set<InetAddress> out = new HashSet<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                out.addAll(Collections.list(n.getInetAddresses()));
            }
        } catch (SocketException | RuntimeException e) {
            LOG.debug("http: cannot list the network interfaces ({})", e.toString());
        }
        return Set.copyOf(out);
    }
}
