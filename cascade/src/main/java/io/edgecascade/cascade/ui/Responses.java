package io.edgecascade.cascade.ui;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

/** The page's responses whose bodies are costly: a picture (an event snapshot) sent again only when it changed. */
final class Responses {

    private Responses() {
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
