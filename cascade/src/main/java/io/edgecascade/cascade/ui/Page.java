package io.edgecascade.cascade.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The page's files, read from the jar, and the HTML of a camera's tile. */
final class Page {

    private Page() {
    }

    static String read(String name) {
        try (InputStream in = Page.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks the page file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Camera ids are letters, digits, '_', '-' and '.' (the config checks), so they need no escaping. */
    static String tile(String id) {
        String base = "/cameras/" + id;
        return """
                <section class="camera" data-camera="%1$s">
                  <h2><span class="name">%1$s</span> <span class="state">...</span></h2>
                  <div class="views">
                    <img class="live" src="%2$s/latest.jpg" data-stream="%2$s/stream.mjpeg" alt="live view of %1$s">
                    <img class="motion" hidden data-stream="%2$s/motion.mjpeg" alt="motion debug view of %1$s">
                  </div>
                  <dl class="stats">
                    <dt>fps</dt><dd class="fps">-</dd>
                    <dt>gate pass ratio</dt><dd class="pass_ratio">-</dd>
                    <dt>detector runs</dt><dd class="detector_runs">-</dd>
                    <dt>events today</dt><dd class="events_today">-</dd>
                  </dl>
                  <form class="tuning">
                    <label>motion.threshold <input name="threshold" type="number" min="1" max="255" step="1"></label>
                    <label>motion.min_area <input name="min_area" type="number" min="0" max="1" step="any"></label>
                    <label>detector.confidence <input name="confidence" type="number" min="0" max="1" step="any"></label>
                    <button type="submit">Apply</button>
                    <label class="debug"><input type="checkbox" class="debug-toggle"> motion debug view</label>
                    <output class="message"></output>
                  </form>
                </section>
                """.formatted(id, base);
    }
}
