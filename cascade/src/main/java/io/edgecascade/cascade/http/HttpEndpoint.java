package io.edgecascade.cascade.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;

/**
 * What the agent's small HTTP servers (metrics, web page) share: binding with one clear error line, and
 * sending a complete response. Both are built on the JDK's {@link HttpServer}, so the agent needs no web
 * framework.
 */
public final class HttpEndpoint {

    /**
     * Seconds a client may take to send its request line and headers before its connection is closed: the JDK's
     * server reads them on one of its few threads, so a client that dribbles its request (slowloris, a stuck proxy)
     * would hold that thread for as long as it likes. Read by the JDK once, when its first server is made; a value
     * set on the command line ({@code -Dsun.net.httpserver.maxReqTime=...}) wins.
     */
    public static final int MAX_REQUEST_SECONDS = 10;

    static {
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        }
    }

    private HttpEndpoint() {
    }

    /** The fixed pool of daemon threads ({@code name-1}, ...) that serves one of the agent's HTTP servers. */
    public static ExecutorService threads(String name, int count) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(count, r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true); // never keeps a finished run alive
            return t;
        });
    }

    /**
     * Creates (not starts) a server on {@code host:port}.
     *
     * @param key the config key naming the address ({@code metrics.listen}), for the error message
     * @throws IOException with a message naming the address and the fix when it cannot bind
     */
    public static HttpServer bind(String key, String host, int port, int backlog) throws IOException {
        return bind(key, host, port, backlog, null);
    }

    /**
     * Creates (not starts) a server on {@code host:port}, HTTPS when {@code tls} is given.
     *
     * @param tls the TLS context of an HTTPS server, or null for plain HTTP
     * @throws IOException with a message naming the address and the fix when it cannot bind
     */
    public static HttpServer bind(String key, String host, int port, int backlog, SSLContext tls)
            throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IOException(key + ": cannot resolve host '" + host
                    + "'; use an IP address such as 127.0.0.1 or 0.0.0.0");
        }
        try {
            if (tls == null) {
                return HttpServer.create(address, backlog);
            }
            HttpsServer server = HttpsServer.create(address, backlog);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return server;
        } catch (BindException e) {
            throw new IOException(key + ": cannot listen on " + (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + port + " (" + e.getMessage() + "); another process holds the port or the address is not this"
                    + " machine's; choose another port, or 0 to turn the endpoint off", e);
        }
    }

    /**
     * Logs a request whose handling failed. An {@link IOException} is the client going away mid-answer (a scraper's
     * timeout, a closed browser tab: a broken pipe, a connection reset): one debug line, no stack trace, since the
     * agent can do nothing about it. Anything else is a defect of the handler: debug with its stack trace.
     */
    public static void requestFailed(Logger log, String server, HttpExchange exchange, Exception e) {
        String path = exchange.getRequestURI().getPath();
        if (e instanceof IOException) {
            log.debug("{}: the client of {} went away ({})", server, path, e.toString());
        } else {
            log.debug("{}: request {} failed", server, path, e);
        }
    }

    /** Stops serving, frees the port and ends the server's threads (a request in progress is cut off). */
    public static void stop(HttpServer server, ExecutorService executor) {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code http://host:port} or {@code https://host:port} of a bound server. */
    public static String url(HttpServer server) {
        return (server instanceof HttpsServer ? "https://" : "http://") + describe(server);
    }

    /** {@code host:port} of a bound server, IPv6 hosts in brackets. */
    public static String describe(HttpServer server) {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Sends a text body. */
    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a whole body with {@code Cache-Control: no-store} (everything served is live); HEAD gets no body. */
    public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
