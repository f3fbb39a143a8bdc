package io.edgecascade.cascade.record;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import io.edgecascade.cascade.source.InterruptibleFfmpegSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;

/**
 * The last few seconds of one live camera's encoded video packets, for event clips: bounded by a time window
 * ({@code pre_s} plus headroom for the detector's and tracker's delay) and by bytes, evicted a whole group of
 * pictures at a time so the oldest packet is always a key frame (a clip can start there). Packet data is copied
 * (FFmpeg reuses its packets); a packet costs one copy of its bytes, nothing is decoded.
 *
 * <p>An event's {@link #capture capture} starts with the packets from the key frame at or before its start and
 * then takes every new packet until its end time has passed ({@link #end}); it is handed to {@code done} as a
 * {@link PendingClip} without the packets past the end. A reconnect (new stream parameters) starts a new segment: the old packets go, captures in
 * progress are handed over as they are (an mp4 has one set of codec parameters).
 *
 * <p>Thread-safe: the capture thread adds packets, the output thread starts and ends captures.
 */
public final class PacketRing {

    /**
     * A clip's packets, ready to be muxed. {@code cut}: why it ends early, or null. It holds its packets in the
     * {@link ClipMemory} until whoever writes (or gives up) it releases them.
     */
    public record PendingClip(String camera, String eventId, List<EncodedPacket> packets, String cut) {
        public PendingClip {
            packets = List.copyOf(packets);
        }

        /** Bytes of its packets. */
        public long bytes() {
            long n = 0;
            for (EncodedPacket p : packets) {
                n += p.size();
            }
            return n;
        }
    }

    /** Packets from one key frame to the next. */
    private static final class Gop {
        final List<EncodedPacket> packets = new ArrayList<>();
        final long wallMs;
        long bytes;

        Gop(long wallMs) {
            this.wallMs = wallMs;
        }
    }

    private static final class Capture {
        final List<EncodedPacket> packets = new ArrayList<>();
        long bytes;
        long endWallMs = Long.MAX_VALUE;
        boolean outOfMemory;
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PacketRing.class);
    /** Re-anchor the camera's clock to ours when they drift apart by more than this. */
    private static final long MAX_DRIFT_MS = 1000;

    private final String camera;
    private final long windowMs;
    private final long maxBytes;
    private final long maxCaptureBytes;
    private final LongSupplier clockMs;
    private final ClipMemory memory;
    private final Consumer<PendingClip> done;
    private final ArrayDeque<Gop> gops = new ArrayDeque<>();
    private final Map<String, Capture> captures = new LinkedHashMap<>();
    private long bytes;
    private StreamParams segment;
    private long anchorWallMs;
    private long anchorTicks = Long.MIN_VALUE;
    private long newestWallMs = Long.MIN_VALUE;
    private long segments;
    private long evicted;

    /**
     * @param windowMs        keep at least this much before the newest packet (from the key frame at or before)
     * @param maxBytes        and at most this many bytes (whole groups of pictures go first)
     * @param maxCaptureBytes one capture is handed over (cut) when it grows past this
     * @param clockMs         wall clock, epoch ms (the events' clock)
     * @param memory          the budget every camera's captures share: a capture holds its packets there, and
     *                        is cut where the next one does not fit
     * @param done            gets each finished capture, on the thread that finished it; must not block; it then
     *                        owns the capture's hold on its packets ({@link ClipMemory#release})
     */
    public PacketRing(String camera, long windowMs, long maxBytes, long maxCaptureBytes, LongSupplier clockMs,
            ClipMemory memory, Consumer<PendingClip> done) {
        if (windowMs < 0 || maxBytes <= 0 || maxCaptureBytes <= 0) {
            throw new IllegalArgumentException("window " + windowMs + " ms, " + maxBytes + " bytes");
        }
        this.camera = camera;
        this.windowMs = windowMs;
        this.maxBytes = maxBytes;
        this.maxCaptureBytes = maxCaptureBytes;
        this.clockMs = clockMs;
        this.memory = memory;
        this.done = done;
    }

    /** Copies each packet of a live source into this ring; one listener per camera (it runs on its capture thread). */
    public InterruptibleFfmpegSource.PacketListener listener() {
        return new InterruptibleFfmpegSource.PacketListener() {
            private AVStream stream;
            private StreamParams params;
            private boolean copyable;

            @Override
            public void packet(AVPacket p, AVStream s) {
                if (p.size() <= 0) {
                    return;
                }
                // a new connection has a new stream (even when the allocator reuses its address, its
                // parameters were read again: compare them)
                if (params == null || s.address() != stream.address() || changed(params, s)) {
                    stream = s;
                    params = StreamParams.of(s);
                    copyable = mp4CanHold(params.codecId());
                    if (!copyable) {
                        LOG.warn("record: camera {} streams {}, which an mp4 cannot hold as it is: no clips of"
                                + " this connection; configure the camera for H.264 or H.265", camera,
                                params.codecName());
                    }
                }
                if (!copyable) {
                    return;
                }
                byte[] data = new byte[p.size()];
                p.data().position(0).get(data, 0, data.length);
                add(params, p.pts() == AV_NOPTS_VALUE ? EncodedPacket.NO_TIME : p.pts(),
                        p.dts() == AV_NOPTS_VALUE ? EncodedPacket.NO_TIME : p.dts(), p.duration(),
                        (p.flags() & org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY) != 0, data);
            }
        };
    }

    /** Whether FFmpeg's mp4 muxer takes this codec's packets as they are (not, e.g., a USB camera's raw video). */
    static boolean mp4CanHold(int codecId) {
        var mp4 = org.bytedeco.ffmpeg.global.avformat.av_guess_format("mp4", null, null);
        return mp4 != null && org.bytedeco.ffmpeg.global.avformat.avformat_query_codec(mp4, codecId,
                org.bytedeco.ffmpeg.global.avcodec.FF_COMPLIANCE_NORMAL) == 1;
    }

    private static boolean changed(StreamParams p, AVStream s) {
        var c = s.codecpar();
        return c.codec_id() != p.codecId() || c.width() != p.width() || c.height() != p.height()
                || c.extradata_size() != p.extradata().length || s.time_base().num() != p.timeBaseNum()
                || s.time_base().den() != p.timeBaseDen();
    }

    /** Adds one packet (its bytes are kept, not copied). Times in {@code params}' time base. */
    public synchronized void add(StreamParams params, long pts, long dts, long duration, boolean key, byte[] data) {
        if (params != segment) {
            newSegment(params);
        }
        long ticks = pts != EncodedPacket.NO_TIME ? pts : dts;
        long now = clockMs.getAsLong();
        // A clip starts at a key frame with a decoding time: the first group of pictures of a connection has none
        // (FFmpeg's parser learns the reordering delay from it), and a muxer cannot place packets without one.
        boolean start = key && dts != EncodedPacket.NO_TIME;
        if (gops.isEmpty() && captures.values().stream().allMatch(c -> c.packets.isEmpty()) && !start) {
            return; // nothing before the first start is of use
        }
        long wall;
        if (ticks == EncodedPacket.NO_TIME) {
            wall = now;
        } else {
            if (anchorTicks == Long.MIN_VALUE) {
                anchorTicks = ticks;
                anchorWallMs = now;
            }
            wall = anchorWallMs + (ticks - anchorTicks) * 1000L * params.timeBaseNum() / params.timeBaseDen();
            if (key && Math.abs(now - wall) > MAX_DRIFT_MS) {
                // the camera's clock drifted or its timestamps jumped: trust ours from here on
                anchorTicks = ticks;
                anchorWallMs = now;
                wall = now;
            }
        }
        EncodedPacket packet = new EncodedPacket(params, pts, dts, duration, key, wall, data);
        newestWallMs = Math.max(newestWallMs, wall);
        if (start) {
            gops.addLast(new Gop(wall));
        }
        if (!gops.isEmpty()) {
            Gop g = gops.peekLast();
            g.packets.add(packet);
            g.bytes += data.length;
            bytes += data.length;
        }
        evict();
        List<String> finished = new ArrayList<>();
        for (Map.Entry<String, Capture> e : captures.entrySet()) {
            Capture c = e.getValue();
            if (c.packets.isEmpty() && !start) {
                continue;
            }
            if (!memory.hold(packet)) {
                c.outOfMemory = true; // the clip ends before this packet
                finished.add(e.getKey());
                continue;
            }
            c.packets.add(packet);
            c.bytes += data.length;
            if (newestWallMs >= c.endWallMs || c.bytes > maxCaptureBytes) {
                finished.add(e.getKey());
            }
        }
        for (String id : finished) {
            Capture c = captures.get(id);
            boolean early = newestWallMs < c.endWallMs;
            if (c.outOfMemory && early) {
                memory.cut(camera, id);
            }
            finish(id, !early ? null : c.outOfMemory ? "cut where record.max_memory_mb was used up"
                    : c.bytes > maxCaptureBytes ? "cut at " + maxCaptureBytes + " bytes" : null);
        }
    }

    private void evict() {
        while (gops.size() > 1) {
            Gop first = gops.pollFirst();
            Gop second = gops.peekFirst();
            if (second.wallMs <= newestWallMs - windowMs || bytes > maxBytes) {
                bytes -= first.bytes;
                evicted += first.packets.size();
            } else {
                gops.addFirst(first);
                break;
            }
        }
        if (bytes > maxBytes) {
            // one group of pictures larger than the bound: drop it and wait for the next key frame
            evicted += gops.stream().mapToInt(g -> g.packets.size()).sum();
            gops.clear();
            bytes = 0;
        }
    }

    private void newSegment(StreamParams params) {
        for (String id : new ArrayList<>(captures.keySet())) {
            finish(id, captures.get(id).packets.isEmpty() ? "no video before the camera reconnected"
                    : "cut where the camera reconnected");
        }
        gops.clear();
        bytes = 0;
        segment = params;
        anchorTicks = Long.MIN_VALUE;
        newestWallMs = Long.MIN_VALUE;
        segments++;
    }

    /**
     * Starts an event's capture with the packets from the key frame at or before {@code fromWallMs} (or the oldest
     * held); a second call for the same event does nothing. When those packets do not fit in the memory budget the
     * event gets no clip (counted).
     */
    public synchronized void capture(String eventId, long fromWallMs) {
        if (captures.containsKey(eventId)) {
            return;
        }
        Capture c = new Capture();
        Gop from = null;
        for (Gop g : gops) {
            if (from == null || g.wallMs <= fromWallMs) {
                from = g;
            }
        }
        boolean copy = false;
        for (Gop g : gops) {
            copy |= g == from;
            if (copy) {
                c.packets.addAll(g.packets);
                c.bytes += g.bytes;
            }
        }
        if (!memory.holdAll(c.packets)) {
            memory.dropped(camera, eventId, "its first " + c.bytes + " bytes do not fit in record.max_memory_mb ("
                    + (memory.maxBytes() >> 20) + " MB for all cameras' clips in memory); raise it, or shorten"
                    + " record.pre_s and record.post_s");
            return;
        }
        captures.put(eventId, c);
    }

    /** The event ended: its capture is handed over once a packet at or after {@code toWallMs} came. */
    public synchronized void end(String eventId, long toWallMs) {
        Capture c = captures.get(eventId);
        if (c == null) {
            return;
        }
        c.endWallMs = toWallMs;
        if (!c.packets.isEmpty() && newestWallMs >= toWallMs) {
            finish(eventId, null);
        }
    }

    /** Hands over every capture in progress as it is (the camera stops). */
    public synchronized void finishAll(String why) {
        for (String id : new ArrayList<>(captures.keySet())) {
            finish(id, captures.get(id).endWallMs <= newestWallMs ? null : why);
        }
    }

    private void finish(String eventId, String cut) {
        Capture c = captures.remove(eventId);
        // The end often comes later than end + post_s (the tracker waits before it gives an object up): the clip
        // stops before the first packet, in decoding order, past its end; what precedes it decodes.
        int n = 0;
        while (n < c.packets.size() && (n == 0 || c.packets.get(n).wallMs() <= c.endWallMs)) {
            n++;
        }
        memory.release(c.packets.subList(n, c.packets.size()));
        done.accept(new PendingClip(camera, eventId, c.packets.subList(0, n), cut));
    }

    /** The packets held now, oldest first. */
    public synchronized List<EncodedPacket> packets() {
        List<EncodedPacket> all = new ArrayList<>();
        gops.forEach(g -> all.addAll(g.packets));
        return all;
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** Segments seen: one per connection. */
    public synchronized long segments() {
        return segments;
    }

    /** Captures in progress. */
    public synchronized int capturing() {
        return captures.size();
    }

    public String camera() {
        return camera;
    }
}
