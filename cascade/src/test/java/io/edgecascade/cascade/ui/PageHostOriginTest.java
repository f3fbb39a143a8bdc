package io.edgecascade.cascade.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.testing.RawHttp;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding and cross-site requests against the real page server: a request whose {@code Host} is not a name
 * of this machine gets 403 on every path but {@code /healthz}, and a state-changing request needs a same-origin
 * {@code Origin} or {@code Referer}. Defect: the page applied {@code PUT /cameras/demo/tuning {"threshold":200}}
 * sent with {@code Host: evil.example}.
 */
class PageHostOriginTest {

    private static final String TUNING = "/cameras/demo/tuning";
    private static final String BLIND = "{\"threshold\":200}";

    private PageServer page;
    private RawHttp http;
    private String self;

    @BeforeEach
    void start() throws Exception {
        // listening on every interface, as a page exposed on a LAN does
        page = new PageServer(new UiSettings(true, "0.0.0.0", 0, false, 5, 640));
        http = RawHttp.loopback(page.port());
        self = "127.0.0.1:" + page.port();
    }

    @AfterEach
    void stop() {
        page.close();
    }

    @Test
    void theReportedRebindingNoLongerBlindsACamera() throws Exception {
        RawHttp.Response r = http.send("PUT", TUNING, "evil.example", BLIND, "Content-Type", "application/json",
                "Origin", "http://evil.example");
        assertEquals(403, r.status(), r.body());
        assertEquals(List.of(), page.tuned, "nothing was tuned");
    }

    @Test
    void aForeignHostGets403OnEveryPathButHealthz() throws Exception {
        for (String host : List.of("evil.example", "evil.example:" + page.port(), "localhost.evil.example",
                "127.0.0.1.nip.io:" + page.port(), "0.0.0.0:" + page.port(), "10.255.255.254", "a:b:c", "")) {
            for (String[] request : PageServer.everyRequest()) {
                RawHttp.Response r = http.send(request[0], request[1], host, request[0].equals("GET")
                        || request[0].equals("HEAD") ? null : BLIND, "Origin", "http://" + host,
                        "Accept", "text/html");
                assertEquals(403, r.status(), request[0] + " " + request[1] + " with Host '" + host + "': " + r.body());
            }
            RawHttp.Response health = http.send("GET", "/healthz", host, null);
            assertEquals(200, health.status(), "/healthz stays open for probes, Host '" + host + "'");
        }
        RawHttp.Response none = http.send("GET", "/api/cameras", null, null);
        assertEquals(403, none.status(), "a request without Host: " + none.body());
        assertEquals(List.of(), page.tuned, "nothing was tuned");
    }

    @Test
    void theMachinesOwnNamesAndAddressesAreAnsweredTo() throws Exception {
        String port = ":" + page.port();
        List<String> hosts = new java.util.ArrayList<>(List.of("127.0.0.1" + port, "localhost" + port,
                "LOCALHOST" + port, "localhost." + port, "127.0.0.1", "[::1]" + port));
        try {
            hosts.add(InetAddress.getLocalHost().getHostName() + port);
        } catch (java.net.UnknownHostException e) {
            // a machine whose own name does not resolve: its addresses below still count
        }
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                String literal = a.getHostAddress().replaceFirst("%.*$", "");
                hosts.add((literal.contains(":") ? "[" + literal + "]" : literal) + port);
            }
        }
        for (String host : hosts) {
            RawHttp.Response r = http.send("GET", "/api/cameras", host, null);
            assertEquals(200, r.status(), "Host '" + host + "': " + r.body());
        }
    }

    @Test
    void aStateChangingRequestNeedsASameOriginOriginOrReferer() throws Exception {
        String port = Integer.toString(page.port());
        List<String[]> refused = List.of(new String[] {}, new String[] {"Origin", "http://evil.example"},
                new String[] {"Origin", "null"}, new String[] {"Origin", "http://127.0.0.1:1"},
                new String[] {"Origin", "https://127.0.0.1:" + port}, new String[] {"Origin", "http://localhost:" + port},
                new String[] {"Referer", "http://evil.example/page"}, new String[] {"Origin", "not a url"},
                new String[] {"Origin", "http://evil.example", "Referer", "http://" + self + "/"});
        for (String[] headers : refused) {
            RawHttp.Response r = http.send("PUT", TUNING, self, BLIND, with(headers));
            assertEquals(403, r.status(), String.join(" ", headers) + ": " + r.body());
        }
        assertEquals(List.of(), page.tuned, "no refused request tuned anything");

        assertEquals(200, http.send("PUT", TUNING, self, BLIND, with("Origin", "http://" + self)).status());
        assertEquals(200, http.send("PUT", TUNING, self, BLIND, with("Referer", "http://" + self + "/?debug")).status());
        assertEquals(200, http.send("PUT", TUNING, "localhost:" + port, BLIND,
                with("Origin", "http://localhost:" + port)).status());
        assertEquals(3, page.tuned.size(), "the page's own requests are applied");
        assertEquals(Map.of("threshold", 200), page.tuned.get(0));

        // reading needs no Origin: a browser sends none on a plain navigation
        assertEquals(200, http.send("GET", "/api/cameras", self, null).status());
    }

    @Test
    void answersKeepThePageOutOfOtherSitesFrames() throws Exception {
        RawHttp.Response r = http.send("GET", "/", self, null);
        assertEquals(200, r.status());
        assertEquals("DENY", r.header("X-Frame-Options"));
        assertTrue(r.header("Content-Security-Policy").contains("frame-ancestors 'none'"), r.headers().toString());
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
    }

    private static String[] with(String... headers) {
        String[] out = new String[headers.length + 2];
        out[0] = "Content-Type";
        out[1] = "application/json";
        System.arraycopy(headers, 0, out, 2, headers.length);
        return out;
    }
}
