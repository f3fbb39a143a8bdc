package io.edgecascade.cascade.forward;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.kserve.Tensors;
import io.edgecascade.cascade.kserve.ModelInferResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The cloud's answers as JSON lines ({@code cloud.results_path}), one per acknowledged positive. Thread-safe. */
final class ResultsLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResultsLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final BufferedWriter out;

    private ResultsLog(Path path, BufferedWriter out) {
        this.path = path;
        this.out = out;
    }

    /** Opens (appending) the file, or a log that writes nothing when {@code path} is null. */
    static ResultsLog open(Path path) throws IOException {
        if (path == null) {
            return new ResultsLog(null, null);
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new ResultsLog(path, Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new IOException("cannot write cloud results file " + path + " (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); set cloud.results_path to a writable location", e);
        }
    }

    void write(ForwardItem item, ModelInferResponse r, String model, long rttNanos) {
        if (out == null) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("id", item.id());
        line.put("camera", item.camera());
        line.put("frame", item.sequence());
        line.put("pts_ms", item.ptsMillis());
        line.put("model", r.getModelName().isEmpty() ? model : r.getModelName());
        line.put("model_version", r.getModelVersion());
        line.put("round_trip_ms", Math.round(rttNanos / 1e4) / 100.0);
        Map<String, Object> outputs = new LinkedHashMap<>();
        for (int i = 0; i < r.getOutputsCount(); i++) {
            var t = r.getOutputs(i);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("datatype", t.getDatatype());
            o.put("shape", t.getShapeList());
            o.put("data", Tensors.outputValues(r, i));
            outputs.put(t.getName(), o);
        }
        line.put("outputs", outputs);
        try {
            String text = JSON.writeValueAsString(line);
            synchronized (this) {
                out.write(text);
                out.newLine();
                out.flush();
            }
        } catch (IOException ex) {
            LOG.warn("cannot write cloud results file {}: {}", path, ex.getMessage());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
