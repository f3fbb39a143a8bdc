package io.edgecascade.cascade.record;

import io.edgecascade.cascade.events.TrackEvent;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.FrameSink;
import io.edgecascade.cascade.pipeline.PositiveFrame;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceUri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code record.events}: when an event ends, writes its clip, {@code pre_s} before its first sighting to
 * {@code post_s} after its last, by copying the camera's own encoded packets ({@link ClipWriter}: no decoding, no
 * re-encoding), then keeps the folder within {@code retain_days} and {@code max_bytes}, oldest clips first.
 *
 * <p>File cameras only for now: their packets are read again from the file. A live camera's clip needs a ring buffer
 * of the packets its source receives, which the live sources do not expose yet; such cameras are named once at the
 * start and get no clips. Runs on the output thread (a clip costs milliseconds of demuxing).
 */
public final class EventClips implements FrameSink {

    private static final Logger LOG = LoggerFactory.getLogger(EventClips.class);

    private final RecordSettings settings;
    /** camera id -> its video file, for the cameras whose clips can be cut. */
    private final Map<String, Path> files = new LinkedHashMap<>();

    public EventClips(RecordSettings settings, List<CameraSettings> cameras) throws IOException {
        this.settings = settings;
        Files.createDirectories(settings.dir());
        List<String> live = new ArrayList<>();
        for (CameraSettings c : cameras) {
            try {
                SourceUri uri = SourceUri.parse(c.source());
                if (uri.live()) {
                    live.add(c.id());
                } else {
                    files.put(c.id(), Path.of(uri.location()));
                }
            } catch (SourceException e) {
                live.add(c.id());
            }
        }
        if (!live.isEmpty()) {
            LOG.warn("record: no event clips for live camera{} {}: recording live streams is not supported yet,"
                    + " only file cameras", live.size() > 1 ? "s" : "", String.join(", ", live));
        }
    }

    @Override
    public void accept(PositiveFrame p) {
        for (TrackEvent e : p.tracks().events()) {
            Path file = files.get(e.camera());
            if (e.type() != TrackEvent.Type.END || file == null) {
                continue;
            }
            long from = e.startPtsMs() - Math.round(settings.preS() * 1000);
            long to = e.lastSeenPtsMs() + Math.round(settings.postS() * 1000);
            Path out = clip(e.eventId());
            try {
                ClipWriter.Clip c = ClipWriter.remux(file, from, to, out);
                LOG.info("record: camera {} event {}: {} ({} s, {} copied)", e.camera(), e.eventId(), out,
                        String.format(java.util.Locale.ROOT, "%.1f", c.seconds()), c.codec());
            } catch (IOException ex) {
                LOG.error("record: camera {} event {}: no clip: {}", e.camera(), e.eventId(), ex.getMessage());
            }
            prune();
        }
    }

    /** Where an event's clip is (or would be). */
    public Path clip(String eventId) {
        return settings.dir().resolve(eventId.replaceAll("[^A-Za-z0-9_.-]", "_") + ".mp4");
    }

    /** The event's clip when it has been written, else null. */
    public Path existingClip(String eventId) {
        Path p = clip(eventId);
        return Files.isRegularFile(p) ? p : null;
    }

    private void prune() {
        List<Path> clips;
        try (Stream<Path> s = Files.list(settings.dir())) {
            clips = new ArrayList<>(s.filter(f -> f.getFileName().toString().endsWith(".mp4")).toList());
        } catch (IOException e) {
            LOG.warn("record: cannot list {}: {}", settings.dir(), e.getMessage());
            return;
        }
        clips.sort(Comparator.comparing(EventClips::modified));
        Instant cutoff = Instant.now().minus(Duration.ofDays(settings.retainDays()));
        long total = clips.stream().mapToLong(EventClips::size).sum();
        for (Path c : clips) {
            boolean old = settings.retainDays() > 0 && modified(c).isBefore(cutoff);
            if (!old && total <= settings.maxBytes()) {
                continue;
            }
            long size = size(c);
            try {
                Files.deleteIfExists(c);
                total -= size;
            } catch (IOException e) {
                LOG.warn("record: cannot delete {}: {}", c, e.getMessage());
            }
        }
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
