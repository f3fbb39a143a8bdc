package io.edgecascade.cascade.http;

import java.util.List;
import java.util.Locale;

/**
 * Who may ask an HTTP endpoint of the agent (config {@code ui.allowed_hosts}/{@code ui.token}, {@code metrics.*}
 * likewise), besides the rules every endpoint applies ({@link AccessFilter}).
 *
 * @param allowedHosts names or addresses a request's {@code Host} may carry besides the listen address,
 *                     {@code localhost} and the machine's own names and addresses (lower case, no port)
 * @param token        the secret every request but the open ones must present, or null for none; never printed
 */
public record AccessRules(List<String> allowedHosts, String token) {

    /** No extra host names, no token. */
    public static final AccessRules NONE = new AccessRules(List.of(), null);

    public AccessRules {
        allowedHosts = allowedHosts.stream().map(AccessRules::normalizeHost).toList();
        if (token != null && token.isEmpty()) {
            token = null; // ${EDGE_UI_TOKEN:-} left empty: no token
        }
    }

    /** True when a token is set. */
    public boolean tokenRequired() {
        return token != null;
    }

    /** A host name as {@code Host} headers are compared: lower case, without a trailing dot or IPv6 brackets. */
    static String normalizeHost(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /** The token is a secret: it never reaches a log line through this record. */
    @Override
    public String toString() {
        return "AccessRules[allowedHosts=" + allowedHosts + ", token=" + (token == null ? "none" : "***") + "]";
    }
}
