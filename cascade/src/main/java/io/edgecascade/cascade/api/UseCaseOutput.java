package io.edgecascade.cascade.api;

import java.util.Map;

/**
 * What a use case hands back while it looks at a frame: event lines of its own and its drawings. Valid only during
 * the call it was passed to.
 */
public interface UseCaseOutput {

    /**
     * Adds a line of {@code type} (lower case letters, digits and {@code _}; not {@code start}, {@code update},
     * {@code end} or {@code frame}) with {@code fields} (text, numbers, booleans, and lists and maps of them) to the
     * frame's event lines: the pipeline adds {@code camera}, {@code frame}, {@code pts_ms}, {@code time} and
     * {@code use_case}, and every sink gets it.
     */
    void event(String type, Map<String, Object> fields);

    /**
     * Replaces what this use case draws on the page's live view and the annotated video from this frame on (call it
     * with every drawing each time; a use case that never calls it keeps what it drew last).
     */
    void draw(java.util.List<Drawing> drawings);
}
