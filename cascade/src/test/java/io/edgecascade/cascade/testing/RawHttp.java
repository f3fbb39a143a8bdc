package io.edgecascade.cascade.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.SocketFactory;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends: a foreign {@code Host} (what a browser
 * sends after DNS rebinding), a forged {@code Origin}, no {@code Host} at all. Reads the status line, the headers
 * and a body of known length; a stream (no length) is not read, so a live view answers at once.
 */
public final class RawHttp {

    /** An answer: status, headers (names in lower case, every value), body. */
    public record Response(int status, Map<String, List<String>> headers, String body) {

        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        /** Every value of a header (e.g. Set-Cookie). */
        public List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    private final SocketFactory sockets;
    private final String address;
    private final int port;

    /** Connects to {@code address:port} with {@code sockets} (an SSLSocketFactory for HTTPS). */
    public RawHttp(SocketFactory sockets, String address, int port) {
        this.sockets = sockets;
        this.address = address;
        this.port = port;
    }

    /** Plain HTTP to {@code 127.0.0.1:port}. */
    public static RawHttp loopback(int port) {
        return new RawHttp(SocketFactory.getDefault(), "127.0.0.1", port);
    }

    /**
     * Sends one request.
     *
     * @param host    the Host header, or null to send none
     * @param headers further headers, name then value, e.g. {@code "Origin", "http://evil.example"}
     * @param body    the body, or null for none
     */
    public Response send(String method, String path, String host, String body, String... headers)
            throws IOException {
        try (Socket socket = sockets.createSocket()) {
            socket.connect(new InetSocketAddress(address, port), 5000);
            socket.setSoTimeout(15_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            if (host != null) {
                request.append("Host: ").append(host).append("\r\n");
            }
            for (int i = 0; i + 1 < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                request.append("Content-Length: ").append(content.length).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            String status = line(in);
            if (!status.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP answer: '" + status + "'");
            }
            Map<String, List<String>> answer = new LinkedHashMap<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                answer.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(h.substring(colon + 1).trim());
            }
            String length = answer.containsKey("content-length") ? answer.get("content-length").get(0) : null;
            String text = "";
            if (length != null && !method.equals("HEAD")) {
                text = new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
            } else if (length == null && !method.equals("HEAD") && !String.valueOf(answer.get("content-type"))
                    .contains("multipart")) {
                text = chunked(in, answer);
            }
            return new Response(Integer.parseInt(status.split(" ")[1]), answer, text);
        }
    }

    /** A body without a length: chunked (read it all) or none. */
    private static String chunked(InputStream in, Map<String, List<String>> headers) throws IOException {
        if (!String.valueOf(headers.get("transfer-encoding")).contains("chunked")) {
            return "";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int n = Integer.parseInt(line(in).trim(), 16); n > 0; n = Integer.parseInt(line(in).trim(), 16)) {
            out.write(in.readNBytes(n));
            line(in);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** One line of an HTTP head (or a multipart part's head), without its CR LF. */
    public static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                s.append((char) b);
            }
        }
        return s.toString();
    }
}
