package io.edgecascade.cascade.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A webhook receiver for a test: the JDK's {@code HttpServer} on a free loopback port, answering the n-th request
 * (1-based) as {@link #answer} says (a status, or {@link #HANG}: it holds the request until {@link #release()}), and
 * recording every request it read (headers lowercased, body as sent).
 */
public final class WebhookReceiver implements AutoCloseable {

    /** An answer that holds the request open until {@link #release()} (a receiver that hangs). */
    public static final int HANG = -1;

    /** One request as received. */
    public record Request(int n, String method, String path, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile IntFunction<Integer> answer;
    private int count;

    private WebhookReceiver(int port, IntFunction<Integer> answer) throws IOException {
        this.answer = answer;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A receiver answering request n with {@code answer.apply(n)}. */
    public static WebhookReceiver start(IntFunction<Integer> answer) throws IOException {
        return new WebhookReceiver(0, answer);
    }

    /** Like {@link #start(IntFunction)}, on {@code port} (a receiver that comes back where it was). */
    public static WebhookReceiver start(int port, IntFunction<Integer> answer) throws IOException {
        return new WebhookReceiver(port, answer);
    }

    /** A receiver that takes everything (200). */
    public static WebhookReceiver accepting() throws IOException {
        return start(n -> 200);
    }

    private void handle(HttpExchange x) throws IOException {
        int n;
        synchronized (this) {
            n = ++count;
        }
        byte[] body;
        try (InputStream in = x.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, String> headers = new TreeMap<>();
        x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        requests.add(new Request(n, x.getRequestMethod(), x.getRequestURI().getPath(), headers, body));
        int status = answer.apply(n);
        if (status == HANG) {
            try {
                released.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            status = 200;
        }
        try {
            x.sendResponseHeaders(status, -1);
        } catch (IOException clientGone) {
            // the sender timed out and closed its end
        }
        x.close();
    }

    /** From now on, request n is answered with {@code newAnswer.apply(n)}. */
    public void answer(IntFunction<Integer> newAnswer) {
        this.answer = newAnswer;
    }

    /** Lets every held request go (answered 200, if its sender still listens). */
    public void release() {
        released.countDown();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }
}
