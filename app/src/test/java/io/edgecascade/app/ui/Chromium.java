package io.edgecascade.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * Headless Chromium (Debian {@code chromium}) driven over the DevTools protocol: what a user's browser makes of
 * the page, including logging in through its form. One browser (one profile, so cookies persist) serves a test;
 * every wait is for a condition in the page, with a generous deadline, never for a fixed time.
 */
final class Chromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DEADLINE_S = 90;

    private final Path dir;
    private final Process process;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    /** Page loads so far (Page.loadEventFired), so a wait can tell a new load from an old one. */
    private final AtomicInteger loads = new AtomicInteger();
    private int shots;
    private Path lastShot;

    Chromium(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        Path profile = dir.resolve("chromium-profile");
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank"));
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("chromium.log").toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot start chromium (install the Debian package chromium): " + e.getMessage(), e);
        }
        try {
            socket = connect(profile);
            send("Page.enable", JSON.createObjectNode());
            send("Runtime.enable", JSON.createObjectNode());
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Chromium writes its DevTools port into the profile once it listens; then the page's socket is found. */
    private WebSocket connect(Path profile) throws IOException, InterruptedException {
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_S);
        while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("chromium did not open its DevTools port: " + log());
            }
            Thread.sleep(100);
        }
        String port = Files.readAllLines(portFile).get(0).trim();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String page = null;
        while (page == null) {
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/json/list")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : JSON.readTree(list.body())) {
                if (target.path("type").asText().equals("page")) {
                    page = target.get("webSocketDebuggerUrl").asText();
                }
            }
            if (page == null) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("chromium has no page: " + list.body());
                }
                Thread.sleep(100);
            }
        }
        return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(page), new Listener()).join();
    }

    /** Receives answers and events; a message may come in parts. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    JsonNode m = JSON.readTree(message);
                    if (m.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                        if (f != null) {
                            f.complete(m);
                        }
                    } else if ("Page.loadEventFired".equals(m.path("method").asText())) {
                        synchronized (loads) {
                            loads.incrementAndGet();
                            loads.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // not JSON: not from the protocol
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    private JsonNode send(String method, ObjectNode params) throws IOException, InterruptedException {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(JSON.writeValueAsString(message), true).join();
        JsonNode m;
        try {
            m = answer.get(DEADLINE_S, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError("chromium did not answer " + method + ": " + e + "\n" + log());
        }
        if (m.has("error")) {
            throw new AssertionError("chromium: " + method + " failed: " + m.get("error"));
        }
        return m.get("result");
    }

    /** Opens {@code url} and waits for its load event (after any redirects). */
    void open(String url) throws IOException, InterruptedException {
        int before = loads.get();
        JsonNode r = send("Page.navigate", JSON.createObjectNode().put("url", url));
        if (r.hasNonNull("errorText")) {
            throw new AssertionError("chromium could not open " + url + ": " + r.get("errorText"));
        }
        awaitLoad(before);
    }

    private void awaitLoad(int before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_S);
        synchronized (loads) {
            while (loads.get() == before) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("the page did not load within " + DEADLINE_S + " s");
                }
                loads.wait(left);
            }
        }
    }

    /** The value of a JavaScript expression in the page (promises awaited), as JSON. */
    JsonNode evaluate(String expression) throws IOException, InterruptedException {
        JsonNode r = send("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new AssertionError("script failed: " + expression + ": " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Waits until a JavaScript expression is true in the page; false when it is not within the time. */
    boolean await(String expression, long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (evaluate("Boolean(" + expression + ")").asBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Where the page is now. */
    String location() throws IOException, InterruptedException {
        return evaluate("location.href").asText();
    }

    /** The page's DOM now (after its script ran). */
    String dom() throws IOException, InterruptedException {
        return evaluate("document.documentElement.outerHTML").asText();
    }

    /**
     * Logs in the way a user does: opens {@code url}, which sends a browser without a session to the login form,
     * types the token there and submits it; returns once the page it came for has loaded.
     */
    void logIn(String url, String token) throws IOException, InterruptedException {
        open(url);
        if (!evaluate("location.pathname").asText().equals("/login")) {
            throw new AssertionError("not sent to the login form: " + location());
        }
        int before = loads.get();
        evaluate("document.querySelector('input[name=token]').value = " + JSON.writeValueAsString(token)
                + "; document.querySelector('form').requestSubmit(); true");
        awaitLoad(before);
    }

    /** A screenshot of the page as it is now, {@code width} x {@code height} CSS pixels. */
    BufferedImage screenshot(int width, int height) throws IOException, InterruptedException {
        send("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", false));
        byte[] png = Base64.getDecoder().decode(send("Page.captureScreenshot", JSON.createObjectNode()
                .put("format", "png")).get("data").asText());
        lastShot = dir.resolve("shot-" + (++shots) + ".png");
        Files.write(lastShot, png);
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    /** The file of the last screenshot. */
    Path lastShot() {
        return lastShot;
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("chromium.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        } catch (RuntimeException e) {
            // the browser is gone already
        }
        // the renderer and helper processes too: they write into the profile until they are gone
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                p.destroyForcibly();
                p.onExit().completeOnTimeout(p, 10, TimeUnit.SECONDS).join();
            }
        }
    }
}
