package io.edgecascade.cascade.events;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.edgecascade.cascade.detect.Detection;
import io.edgecascade.cascade.pipeline.FrameSink;
import io.edgecascade.cascade.pipeline.PositiveFrame;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.format.DateTimeFormatter;

/**
 * Appends one JSON line per positive frame to {@code events.path}:
 * {@code {"camera","frame","pts_ms","time","motion","detections":[{"label","class_id","score","box":[x1,y1,x2,y2]}]}}.
 * Each line is flushed as it is written, so a crash loses at most the line being written.
 */
public final class EventLog implements FrameSink {

    // The generator must not close the file it writes to: one generator per line, one file per run.
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private final Path path;
    private final OutputStream out;

    private EventLog(Path path, OutputStream out) {
        this.path = path;
        this.out = out;
    }

    /** Opens (creating or appending to) the log; fails early when the file cannot be written. */
    public static EventLog open(Path path) throws IOException {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            OutputStream os = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            return new EventLog(path, new BufferedOutputStream(os, 1 << 16));
        } catch (IOException e) {
            throw new IOException("cannot write events file " + path + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); set events.path to a writable location", e);
        }
    }

    @Override
    public void accept(PositiveFrame p) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            write(g, p);
        }
        out.write('\n');
        out.flush();
    }

    private static void write(JsonGenerator g, PositiveFrame p) throws IOException {
        g.writeStartObject();
        g.writeStringField("camera", p.frame().camera());
        g.writeNumberField("frame", p.frame().sequence());
        g.writeNumberField("pts_ms", p.frame().ptsMillis());
        g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(p.frame().captured()));
        if (p.motion() == null) {
            g.writeNullField("motion");
        } else {
            g.writeNumberField("motion", round(p.motion().changedArea(), 10_000));
        }
        g.writeArrayFieldStart("detections");
        for (Detection d : p.detections()) {
            g.writeStartObject();
            g.writeStringField("label", d.label());
            g.writeNumberField("class_id", d.classId());
            g.writeNumberField("score", round(d.score(), 10_000));
            g.writeArrayFieldStart("box");
            g.writeNumber(round(d.x1(), 10));
            g.writeNumber(round(d.y1(), 10));
            g.writeNumber(round(d.x2(), 10));
            g.writeNumber(round(d.y2(), 10));
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    @Override
    public String toString() {
        return "event log " + path;
    }
}
