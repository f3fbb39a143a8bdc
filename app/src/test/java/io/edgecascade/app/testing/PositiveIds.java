package io.edgecascade.app.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The request ids of the positive frames in an events file written with {@code events.frames: true}: the ids the
 * forwarder gives them with {@code cloud.forward: positives} ({@code camera:frame:pts_ms:captured epoch ms}), to
 * compare with a cloud server's {@code --record} file and a spool's content.
 */
public final class PositiveIds {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PositiveIds() {
    }

    /** In file order; none while the file does not exist. A line still being written is left out. */
    public static List<String> of(Path events) throws IOException {
        List<String> ids = new ArrayList<>();
        if (!Files.exists(events)) {
            return ids;
        }
        for (String line : Files.readAllLines(events)) {
            if (!line.contains("\"type\":\"frame\"") || !line.endsWith("}")) {
                continue; // event lines (start, update, end), or the half of a line the agent is writing
            }
            JsonNode n = JSON.readTree(line);
            ids.add(n.get("camera").asText() + ":" + n.get("frame").asLong() + ":" + n.get("pts_ms").asLong() + ":"
                    + Instant.parse(n.get("time").asText()).toEpochMilli());
        }
        return ids;
    }
}
