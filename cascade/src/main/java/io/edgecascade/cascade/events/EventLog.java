package io.edgecascade.cascade.events;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.format.DateTimeFormatter;

/**
 * Appends one JSON line per event line (the start, updates and end of each tracked object) to
 * {@code events.path}: {@code {"camera","frame","pts_ms","time","event_id","type","label","track_id","score","box",
 * "zones","start_pts_ms", ...}}; an {@code end} line adds {@code duration_s}, {@code best_frame} and {@code reason}
 * ({@code lost}, {@code camera_offline}, {@code stream_end}, {@code shutdown}). {@code frame},
 * {@code pts_ms} and {@code time} describe the frame the line is about. With {@code events.frames: true} every
 * positive frame also gets a line {@code {"camera","frame","pts_ms","time","type":"frame","motion","detections":[
 * {"label","class_id","score","box","track_id"}]}}. Each frame's lines are flushed as they are written, so a crash
 * loses at most the line being written.
 */
public final class EventLog implements FrameSink {

    /** Lines of metadata only: the pixels can go before the frame queues for this sink. */
    @Override
    public boolean needsPixels(PositiveFrame p) {
        return false;
    }

    // The generator must not close the file it writes to: one generator per line, one file per run.
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private final Path path;
    private final OutputStream out;
    private final boolean frames;

    private EventLog(Path path, OutputStream out, boolean frames) {
        this.path = path;
        this.out = out;
        this.frames = frames;
    }

    /** Opens (creating or appending to) the log of event lines; fails early when the file cannot be written. */
    public static EventLog open(Path path) throws IOException {
        return open(path, false);
    }

    /** Like {@link #open(Path)}; {@code frames} adds a line per positive frame. */
    public static EventLog open(Path path, boolean frames) throws IOException {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            OutputStream os = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            return new EventLog(path, new BufferedOutputStream(os, 1 << 16), frames);
        } catch (IOException e) {
            throw new IOException("cannot write events file " + path + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); set events.path to a writable location", e);
        }
    }

    @Override
    public void accept(PositiveFrame p) throws IOException {
        boolean frameLine = frames && p.positive();
        if (p.tracks().events().isEmpty() && !frameLine) {
            return;
        }
        if (frameLine) {
            try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                writeFrame(g, p);
            }
            out.write('\n');
        }
        for (TrackEvent e : p.tracks().events()) {
            try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                write(g, e);
            }
            out.write('\n');
        }
        out.flush();
    }

    private static void write(JsonGenerator g, TrackEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("camera", e.camera());
        g.writeNumberField("frame", e.frame());
        g.writeNumberField("pts_ms", e.ptsMs());
        g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(e.time()));
        g.writeStringField("event_id", e.eventId());
        g.writeStringField("type", e.type().label());
        g.writeStringField("label", e.label());
        g.writeNumberField("track_id", e.trackId());
        g.writeNumberField("score", round(e.score(), 10_000));
        g.writeArrayFieldStart("box");
        for (float v : e.box()) {
            g.writeNumber(round(v, 10));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("zones");
        for (String z : e.zones()) {
            g.writeString(z);
        }
        g.writeEndArray();
        g.writeNumberField("start_pts_ms", e.startPtsMs());
        if (e.type() == TrackEvent.Type.END) {
            g.writeNumberField("duration_s", round(e.durationMs() / 1000.0, 1000));
            g.writeNumberField("best_frame", e.bestFrame());
            g.writeStringField("reason", e.reason().label());
        }
        g.writeEndObject();
    }

    private static void writeFrame(JsonGenerator g, PositiveFrame p) throws IOException {
        g.writeStartObject();
        g.writeStringField("camera", p.frame().camera());
        g.writeNumberField("frame", p.frame().sequence());
        g.writeNumberField("pts_ms", p.frame().ptsMillis());
        g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(p.frame().captured()));
        g.writeStringField("type", "frame");
        if (p.motion() == null) {
            g.writeNullField("motion");
        } else {
            g.writeNumberField("motion", round(p.motion().changedArea(), 10_000));
        }
        g.writeArrayFieldStart("detections");
        for (int i = 0; i < p.detections().size(); i++) {
            var d = p.detections().get(i);
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
            if (i < p.tracks().trackIds().size()) {
                g.writeNumberField("track_id", p.tracks().trackIds().get(i));
            }
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
