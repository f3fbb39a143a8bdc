package io.edgecascade.cascade.record;

import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.source.InterruptibleFfmpegSource;
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
 * {@code record.events}: writes each event's clip, {@code pre_s} before its first sighting to {@code post_s} after
 * its last, by copying the camera's own encoded packets (no decoding, no re-encoding), then keeps the folder within
 * {@code retain_days} and {@code max_bytes}, oldest clips first.
 *
 * <p>File cameras: when the event ends its packets are read again from the file ({@link ClipWriter}), on the output
 * thread (milliseconds of demuxing). Live cameras: a {@link PacketRing} per camera holds the last seconds of packets
 * ({@link #packetListener}); an event's start begins a capture there, its end plus {@code post_s} finishes it, and
 * {@link LiveClipWriter}'s thread muxes it ({@link PacketMuxer}). {@link #start()} starts that thread,
 * {@link #close()} finishes the captures in progress and writes them.
 */
public final class EventClips implements FrameSink {

    /** Clips are cut from the camera's own packets, never from decoded pixels. */
    @Override
    public boolean needsPixels(PositiveFrame p) {
        return false;
    }

    private static final Logger LOG = LoggerFactory.getLogger(EventClips.class);

    /**
     * What the ring keeps beyond {@code pre_s}: an event's start reaches the recorder after the tracker confirmed it
     * and the detector's queue let it through, and the clip starts at the key frame before.
     */
    static final long RING_HEADROOM_MS = 5_000;
    /** One camera's ring holds at most this many bytes (about 50 s of a 4 Mbit/s stream). */
    static final long RING_MAX_BYTES = 24L << 20;
    /** One clip collects at most this many bytes while its event lasts; a longer event's clip ends there. */
    static final long CLIP_MAX_BYTES = 256L << 20;

    private final RecordSettings settings;
    /** camera id -> its video file, for the cameras whose clips can be cut. */
    private final Map<String, Path> files = new LinkedHashMap<>();
    /** camera id -> one pass of its looped file in ms (measured at its first clip), for looped file cameras. */
    private final Map<String, Long> loopPeriods = new LinkedHashMap<>();
    /** camera id -> its packets, for the live cameras. */
    private final Map<String, PacketRing> rings = new LinkedHashMap<>();
    private final ClipMemory memory;
    private final LiveClipWriter writer;

    public EventClips(RecordSettings settings, List<CameraSettings> cameras) throws IOException {
        this(settings, cameras, System::currentTimeMillis);
    }

    EventClips(RecordSettings settings, List<CameraSettings> cameras, java.util.function.LongSupplier clockMs)
            throws IOException {
        this.settings = settings;
        this.memory = new ClipMemory(settings.maxMemoryBytes());
        this.writer = new LiveClipWriter(this::write, memory, settings.maxMemoryBytes());
        Files.createDirectories(settings.dir());
        long window = Math.round(settings.preS() * 1000) + RING_HEADROOM_MS;
        for (CameraSettings c : cameras) {
            SourceUri uri;
            try {
                uri = SourceUri.parse(c.source());
            } catch (SourceException e) {
                continue; // the camera fails to start and says why
            }
            if (uri.live()) {
                rings.put(c.id(), new PacketRing(c.id(), window, RING_MAX_BYTES, CLIP_MAX_BYTES, clockMs, memory,
                        writer::submit));
            } else {
                files.put(c.id(), Path.of(uri.location()));
                if (c.stream().loop()) {
                    loopPeriods.put(c.id(), null);
                }
            }
        }
    }

    /** Starts the thread that writes live cameras' clips (none without live cameras). */
    public void start() {
        if (!rings.isEmpty()) {
            writer.start();
        }
    }

    /** What the live source of camera {@code id} shows its encoded packets to; null for a file camera. */
    public InterruptibleFfmpegSource.PacketListener packetListener(String id) {
        PacketRing ring = rings.get(id);
        return ring == null ? null : ring.listener();
    }

    /** The live clips' memory budget: what it holds now, and the clips it cut or dropped per camera. */
    public ClipMemory memory() {
        return memory;
    }

    /** Camera {@code id}'s ring, or null (tests). */
    PacketRing ring(String id) {
        return rings.get(id);
    }

    @Override
    public void accept(PositiveFrame p) {
        for (TrackEvent e : p.tracks().events()) {
            PacketRing ring = rings.get(e.camera());
            if (ring != null) {
                live(ring, e);
                continue;
            }
            Path file = files.get(e.camera());
            if (e.type() != TrackEvent.Type.END || file == null) {
                continue;
            }
            long from = e.startPtsMs() - Math.round(settings.preS() * 1000);
            long to = e.lastSeenPtsMs() + Math.round(settings.postS() * 1000);
            Path out = clip(e.eventId());
            try {
                logWritten(e.camera(), e.eventId(), ClipWriter.remux(file, from, to, out,
                        loopPeriod(e.camera(), file)), null);
            } catch (IOException ex) {
                LOG.error("record: camera {} event {}: no clip: {}", e.camera(), e.eventId(), ex.getMessage());
            }
            prune();
        }
    }

    /**
     * A looped file camera's stream time keeps counting across passes ({@code pts_ms}): the length of one pass maps
     * it back into the file. 0 for a file played once.
     */
    private long loopPeriod(String camera, Path file) throws IOException {
        if (!loopPeriods.containsKey(camera)) {
            return 0;
        }
        Long period = loopPeriods.get(camera);
        if (period == null) {
            period = ClipWriter.loopPeriodMillis(file);
            loopPeriods.put(camera, period);
        }
        return period;
    }

    /**
     * A start begins the capture, the end sets when it finishes. The event's stream times are mapped to the wall
     * clock through the line's frame, whose decoding time it carries.
     */
    private void live(PacketRing ring, TrackEvent e) {
        long frameWall = e.time().toEpochMilli();
        long from = frameWall - (e.ptsMs() - e.startPtsMs()) - Math.round(settings.preS() * 1000);
        if (e.type() == TrackEvent.Type.START) {
            ring.capture(e.eventId(), from);
        } else if (e.type() == TrackEvent.Type.END) {
            ring.end(e.eventId(), frameWall - (e.ptsMs() - e.lastSeenPtsMs()) + Math.round(settings.postS() * 1000));
        }
    }

    /** On the writer's thread. */
    private void write(PacketRing.PendingClip c) {
        if (c.packets().isEmpty()) {
            LOG.error("record: camera {} event {}: no clip: {}", c.camera(), c.eventId(),
                    c.cut() == null ? "no video was received" : c.cut());
            return;
        }
        try {
            logWritten(c.camera(), c.eventId(), PacketMuxer.write(c.packets(), clip(c.eventId())), c.cut());
        } catch (IOException | RuntimeException ex) {
            LOG.error("record: camera {} event {}: no clip: {}", c.camera(), c.eventId(), ex.getMessage());
        }
        prune();
    }

    private static void logWritten(String camera, String eventId, ClipWriter.Clip c, String cut) {
        LOG.info("record: camera {} event {}: {} ({} s, {} copied){}", camera, eventId, c.path(),
                String.format(java.util.Locale.ROOT, "%.1f", c.seconds()), c.codec(), cut == null ? "" : "; " + cut);
    }

    /** Finishes the live captures in progress (the cameras have stopped) and writes them, then stops the writer. */
    @Override
    public void close() {
        rings.values().forEach(r -> r.finishAll("cut where the camera stopped"));
        writer.close();
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

    /** Both kinds of camera, after each clip (the writer thread and the output thread). */
    private synchronized void prune() {
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
