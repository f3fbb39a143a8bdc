package io.edgecascade.cascade.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.http.AccessRules;
import io.edgecascade.cascade.testing.Certificates;
import io.edgecascade.cascade.testing.RawHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page over HTTPS ({@code ui.tls_cert}, {@code ui.tls_key}) with a certificate openssl made for this test. */
class PageTlsTest {

    @TempDir
    Path dir;

    @Test
    void thePageIsServedOverTlsAndItsSessionCookieIsSecure() throws Exception {
        Certificates.Pair pair = Certificates.selfSigned(dir, "page", Certificates.KeyFormat.EC_PKCS8);
        SSLContext client = Certificates.trusting(pair.cert());
        UiSettings settings = new UiSettings(true, "127.0.0.1", 0, false, 5, 640)
                .withAccess(new AccessRules(List.of(), PageTokenTest.TOKEN)).withTls(pair.cert(), pair.key());
        try (PageServer page = new PageServer(settings)) {
            String base = "https://localhost:" + page.port();
            HttpClient https = HttpClient.newBuilder().sslContext(client).connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            HttpResponse<String> cams = https.send(HttpRequest.newBuilder(URI.create(base + "/api/cameras"))
                    .header("Authorization", "Bearer " + PageTokenTest.TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, cams.statusCode(), cams.body());

            RawHttp tls = new RawHttp(client.getSocketFactory(), "127.0.0.1", page.port());
            String self = "localhost:" + page.port();
            RawHttp.Response login = tls.send("POST", "/login", self, "token=" + PageTokenTest.TOKEN + "&next=/",
                    "Origin", "https://" + self, "Content-Type", "application/x-www-form-urlencoded");
            assertEquals(303, login.status(), login.body());
            assertTrue(login.header("Set-Cookie").endsWith("; HttpOnly; SameSite=Strict; Secure"),
                    login.header("Set-Cookie"));
            assertEquals(403, tls.send("PUT", "/cameras/demo/tuning", self, "{}", "Origin", "http://" + self,
                    "Cookie", login.header("Set-Cookie").split(";")[0]).status(), "http:// is not this page's origin");
            assertEquals(403, tls.send("GET", "/api/cameras", "evil.example", null).status());

            // plain HTTP to the TLS port gets no page
            assertThrows(IOException.class, () -> RawHttp.loopback(page.port()).send("GET", "/healthz", self, null));
        }
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateStopsTheStartWithOneLine() throws Exception {
        Certificates.Pair a = Certificates.selfSigned(dir, "a", Certificates.KeyFormat.RSA_PKCS8);
        Certificates.Pair b = Certificates.selfSigned(dir, "b", Certificates.KeyFormat.RSA_PKCS8);
        UiSettings settings = new UiSettings(true, "127.0.0.1", 0, false, 5, 640).withTls(a.cert(), b.key());
        IOException e = assertThrows(IOException.class, () -> new PageServer(settings).close());
        assertTrue(e.getMessage().startsWith("ui.tls_key: the key in " + b.key() + " does not belong to the"
                + " certificate in " + a.cert()), e.getMessage());
    }
}
