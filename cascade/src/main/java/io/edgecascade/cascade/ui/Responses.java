package io.edgecascade.cascade.ui;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The page's responses whose bodies are large or costly: a file (an event clip) streamed from disk a buffer at a
 * time, with byte ranges so a browser's video player can seek, and a picture (an event snapshot) sent again only
 * when it changed (its tag, as an ETag). Memory per request stays one buffer, whatever the file's size.
 */
final class Responses {

    /** {@code bytes=FIRST-LAST}, {@code bytes=FIRST-} or {@code bytes=-SUFFIX}; several ranges are not served. */
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    static final int BUFFER = 64 << 10;

    private Responses() {
    }

    /**
     * Streams {@code file}: 200 with the whole file, 206 with the single range asked for, 416 when that range is
     * outside the file. HEAD gets the headers only.
     */
    static void file(HttpExchange ex, Path file, String contentType) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long first = 0;
            long last = size - 1;
            int status = 200;
            String range = ex.getRequestHeaders().getFirst("Range");
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            if (range != null) {
                Matcher m = RANGE.matcher(range.trim());
                if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                    long[] r = resolve(m.group(1), m.group(2), size);
                    if (r == null) {
                        ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                        ex.sendResponseHeaders(416, -1);
                        return;
                    }
                    first = r[0];
                    last = r[1];
                    status = 206;
                    ex.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + size);
                }
                // a malformed or multi-range header: the whole file, as RFC 9110 allows
            }
            long length = last - first + 1;
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Length", Long.toString(length));
                ex.sendResponseHeaders(status, -1);
                return;
            }
            // 0 would mean "chunked" to the JDK's server: an empty file is sent with no body
            ex.sendResponseHeaders(status, length == 0 ? -1 : length);
            if (length == 0) {
                return;
            }
            try (OutputStream out = ex.getResponseBody();
                    InputStream in = Channels.newInputStream(ch.position(first))) {
                byte[] buf = new byte[BUFFER];
                long left = length;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        break; // the file shrank meanwhile: the client sees a short body
                    }
                    out.write(buf, 0, n);
                    left -= n;
                }
            }
        }
    }

    /** First and last byte of a range within {@code size} bytes, or null when it is not satisfiable. */
    private static long[] resolve(String from, String to, long size) {
        try {
            if (from.isEmpty()) { // the last N bytes
                long n = Long.parseLong(to);
                return n == 0 || size == 0 ? null : new long[] {Math.max(0, size - n), size - 1};
            }
            long first = Long.parseLong(from);
            long last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
            return first >= size || last < first ? null : new long[] {first, last};
        } catch (NumberFormatException e) {
            return null; // digits too many for a long: no such range
        }
    }

    /**
     * Sends a picture named by {@code tag}: 304 without making it when the browser holds this one
     * ({@code If-None-Match}), else 200 with {@code body.get()}. The browser must ask again each time
     * ({@code no-cache}), so a picture that changes is never shown stale.
     */
    static void revalidated(HttpExchange ex, String tag, String contentType, Supplier<byte[]> body)
            throws IOException {
        String etag = "\"" + tag.replaceAll("[^A-Za-z0-9_.:-]", "_") + "\"";
        ex.getResponseHeaders().set("ETag", etag);
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        String asked = ex.getRequestHeaders().getFirst("If-None-Match");
        if (asked != null && (asked.trim().equals("*") || java.util.Arrays.stream(asked.split(","))
                .map(String::trim).anyMatch(etag::equals))) {
            ex.sendResponseHeaders(304, -1);
            return;
        }
        byte[] bytes = body.get();
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(200, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
