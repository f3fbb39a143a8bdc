package io.edgecascade.app.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.edgecascade.cascade.TestAssets;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** models pull against a real HTTP mirror on loopback serving the shared test data. */
class AssetDownloaderTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void serveSharedData() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Path root = TestAssets.root();
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, Files.size(file));
            try (var out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI mirror() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private static Asset video() {
        return ModelCatalog.standard().stream().filter(a -> a.path().equals(ModelCatalog.VIDEO)).findFirst()
                .orElseThrow();
    }

    @Test
    void downloadsChecksAndKeepsAVerifiedFile(@TempDir Path dir) throws Exception {
        AssetDownloader d = new AssetDownloader(mirror());
        assertEquals(AssetDownloader.Result.DOWNLOADED, d.fetch(video(), dir));
        Path file = dir.resolve(ModelCatalog.VIDEO);
        assertEquals(Files.size(TestAssets.personVideo()), Files.size(file));
        assertEquals(AssetDownloader.Result.PRESENT, d.fetch(video(), dir), "a verified file is not fetched again");
        assertEquals(1, requests.get());
    }

    @Test
    void aFileThatIsNotThePublishedOneIsRejectedAndNotKept(@TempDir Path dir) {
        // the shared model is another export of the same weights: its checksum differs from the release file
        Asset model = ModelCatalog.standard().get(0);
        AssetDownloader.DownloadException e = assertThrows(AssetDownloader.DownloadException.class,
                () -> new AssetDownloader(mirror()).fetch(model, dir));
        assertTrue(e.getMessage().contains("expected 3659407") || e.getMessage().contains("sha256"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(ModelCatalog.MODEL)), "no file that looks complete is left behind");
        try (var files = Files.list(dir.resolve("models"))) {
            assertEquals(List.of(), files.toList(), "no partial file is left behind");
        } catch (java.io.IOException io) {
            throw new AssertionError(io);
        }
    }

    @Test
    void aMissingFileOnTheServerIsAnHttpError(@TempDir Path dir) {
        Asset missing = Asset.download("nothing", "https://example.invalid/x", "models/nothing.onnx", 10, null);
        AssetDownloader.DownloadException e = assertThrows(AssetDownloader.DownloadException.class,
                () -> new AssetDownloader(mirror()).fetch(missing, dir));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
    }

    @Test
    void anUnreachableServerSaysSo(@TempDir Path dir) {
        AssetDownloader.DownloadException e = assertThrows(AssetDownloader.DownloadException.class,
                () -> new AssetDownloader(URI.create("http://127.0.0.1:9/")).fetch(video(), dir));
        assertTrue(e.getMessage().startsWith("cannot reach 127.0.0.1"), e.getMessage());
    }

    @Test
    void theClassNamesAreWrittenFromTheBuildAndMatchTheSharedList(@TempDir Path dir) throws Exception {
        Asset labels = ModelCatalog.standard().get(1);
        assertEquals(AssetDownloader.Result.WRITTEN, new AssetDownloader(null).fetch(labels, dir));
        assertEquals(Files.readString(TestAssets.labels()), Files.readString(dir.resolve(ModelCatalog.LABELS)));
        assertEquals(AssetDownloader.Result.PRESENT, new AssetDownloader(null).fetch(labels, dir));
    }
}
