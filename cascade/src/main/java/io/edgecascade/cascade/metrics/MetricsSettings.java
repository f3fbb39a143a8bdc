package io.edgecascade.cascade.metrics;

import io.edgecascade.cascade.http.AccessRules;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the metrics endpoint listens (config {@code metrics.listen}). Written {@code HOST:PORT}
 * ({@code 127.0.0.1:9108}, {@code 0.0.0.0:9108}, {@code [::1]:9108}), or a bare port meaning 127.0.0.1;
 * {@code 0} turns the endpoint off. Port 0 after a host ({@code 127.0.0.1:0}) picks a free port.
 *
 * @param enabled false: no endpoint
 * @param host    address to bind (an IP or a name)
 * @param port    TCP port, 0 for any free one
 * @param access  {@code metrics.allowed_hosts} and {@code metrics.token}
 */
public record MetricsSettings(boolean enabled, String host, int port, AccessRules access) {

    /** The default: loopback only, so nothing is exposed to the network until the user decides to. */
    public static final MetricsSettings DEFAULT = new MetricsSettings(true, "127.0.0.1", 9108);
    public static final MetricsSettings DISABLED = new MetricsSettings(false, "127.0.0.1", 0);

    private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]\\s]+):(\\d{1,5})$");
    private static final Pattern PORT = Pattern.compile("^\\d{1,5}$");

    public MetricsSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        Objects.requireNonNull(access, "access");
    }

    /** An endpoint without token or extra host names. */
    public MetricsSettings(boolean enabled, String host, int port) {
        this(enabled, host, port, AccessRules.NONE);
    }

    /** This endpoint with other access rules. */
    public MetricsSettings withAccess(AccessRules newAccess) {
        return new MetricsSettings(enabled, host, port, newAccess);
    }

    /** Parses a {@code metrics.listen} value; the exception's message says what is wrong and what to write. */
    public static MetricsSettings parse(String listen) {
        String s = listen == null ? "" : listen.trim();
        if (s.equals("0")) {
            return DISABLED;
        }
        Matcher m = HOST_PORT.matcher(s);
        if (m.matches()) {
            String host = m.group(1);
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            return new MetricsSettings(true, host, port(m.group(2), listen));
        }
        if (PORT.matcher(s).matches()) {
            return new MetricsSettings(true, "127.0.0.1", port(s, listen));
        }
        throw new IllegalArgumentException("'" + listen + "' is not an address to listen on; write HOST:PORT such as"
                + " 127.0.0.1:9108 (0.0.0.0:9108 for every interface), or 0 to turn the endpoint off");
    }

    private static int port(String digits, String listen) {
        int port = Integer.parseInt(digits);
        if (port > 65535) {
            throw new IllegalArgumentException("'" + listen + "' has port " + port + "; ports are 1..65535");
        }
        return port;
    }

    @Override
    public String toString() {
        if (!enabled) {
            return "off";
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
