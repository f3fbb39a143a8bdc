package io.edgecascade.cascade.forward;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.kserve.Tensors;
import io.edgecascade.cascade.kserve.ModelInferResponse;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud's answers as JSON lines ({@code cloud.results_path}), one per acknowledged positive, written (and handed
 * to the operating system) before the positive's record is acknowledged in the spool. A crash between the two sends
 * the positive again on the next start, so the same answer can appear twice: lines with the same {@code id} are the
 * same frame. Thread-safe.
 */
final class ResultsLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResultsLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileOutputStream file;
    private final BufferedWriter out;
    private final boolean durable;
    private boolean dirty;

    private ResultsLog(Path path, FileOutputStream file, boolean durable) {
        this.path = path;
        this.file = file;
        this.out = file == null ? null
                : new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8));
        this.durable = durable;
    }

    /**
     * Opens (appending) the file, or a log that writes nothing when {@code path} is null.
     *
     * @param durable whether {@link #force} forces the file to the disk (the spool's fsync policy is not NEVER)
     */
    static ResultsLog open(Path path, boolean durable) throws IOException {
        if (path == null) {
            return new ResultsLog(null, null, false);
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new ResultsLog(path, new FileOutputStream(path.toFile(), true), durable);
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
                dirty = true;
            }
        } catch (IOException ex) {
            LOG.warn("cannot write cloud results file {}: {}", path, ex.getMessage());
        }
    }

    /** Forces the lines written so far to the disk (when durable), so a power cut cannot lose them either. */
    synchronized void force() {
        if (out == null || !durable || !dirty) {
            return;
        }
        try {
            file.getChannel().force(false);
            dirty = false;
        } catch (IOException ex) {
            LOG.warn("cannot force cloud results file {} to the disk: {}", path, ex.getMessage());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            force();
            out.close();
        }
    }
}
