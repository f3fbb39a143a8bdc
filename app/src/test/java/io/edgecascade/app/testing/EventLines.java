package io.edgecascade.app.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The lines of an events file, parsed. */
public final class EventLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventLines() {
    }

    public static List<JsonNode> read(Path events) throws IOException {
        return Files.readAllLines(events).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    /** The lines of {@code type}. */
    public static List<JsonNode> ofType(List<JsonNode> lines, String type) {
        return lines.stream().filter(l -> type.equals(l.path("type").asText())).toList();
    }
}
