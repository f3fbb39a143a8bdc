package io.edgecascade.cascade.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ring of one camera's packets: 10 fps, a key frame every 10 packets (1 s), 1 ms time base, a fake clock. */
class PacketRingTest {

    private static final long T0 = 1_000_000;

    private final List<PacketRing.PendingClip> done = new ArrayList<>();
    private ClipMemory memory = new ClipMemory(1L << 30);
    private long now = T0;

    private PacketRing ring(long windowMs, long maxBytes, long maxCaptureBytes) {
        return ring("cam", windowMs, maxBytes, maxCaptureBytes);
    }

    private PacketRing ring(String camera, long windowMs, long maxBytes, long maxCaptureBytes) {
        return new PacketRing(camera, windowMs, maxBytes, maxCaptureBytes, () -> now, memory, done::add);
    }

    /** Packets {@code from..to-1} (pts = 100 ms each, key every 10th), the clock following the stream. */
    private void feed(PacketRing ring, StreamParams params, int from, int to, int size) {
        for (int i = from; i < to; i++) {
            now = T0 + i * 100L;
            ring.add(params, i * 100L, i * 100L, 100, i % 10 == 0, new byte[size]);
        }
    }

    @Test
    void evictionKeepsTheWindowFromAKeyFrame() {
        PacketRing ring = ring(2500, 1 << 20, 1 << 20);
        StreamParams s = StreamParams.of("h264", 1, 1000);
        feed(ring, s, 3, 10, 10); // no key frame yet: nothing kept
        assertTrue(ring.packets().isEmpty());
        feed(ring, s, 10, 57, 10);
        List<EncodedPacket> held = ring.packets();
        assertTrue(held.get(0).key(), "the oldest packet is a key frame");
        // newest 5.6 s: the key frame at or before 5.6 - 2.5 = 3.1 s is the one at 3.0 s
        assertEquals(T0 + 3000, held.get(0).wallMs());
        assertEquals(27, held.size());
        assertEquals(270, ring.bytes());
    }

    @Test
    void aKeyFrameWithoutADecodingTimeIsNoStart() {
        PacketRing ring = ring(5000, 1 << 20, 1 << 20);
        StreamParams s = StreamParams.of("h264", 1, 1000);
        ring.add(s, EncodedPacket.NO_TIME, EncodedPacket.NO_TIME, 100, true, new byte[10]); // a connection's first
        ring.add(s, 300, EncodedPacket.NO_TIME, 100, false, new byte[10]);
        assertTrue(ring.packets().isEmpty());
        feed(ring, s, 10, 12, 10);
        assertEquals(T0 + 1000, ring.packets().get(0).wallMs());
    }

    @Test
    void theByteBoundDropsWholeGroupsAndAnOversizedOneEntirely() {
        PacketRing ring = ring(60_000, 2500, 1 << 20);
        StreamParams s = StreamParams.of("h264", 1, 1000);
        feed(ring, s, 0, 35, 100); // 3.5 groups of 1000 bytes; the bound keeps 2 and a half
        List<EncodedPacket> held = ring.packets();
        assertTrue(held.get(0).key());
        assertEquals(T0 + 1000, held.get(0).wallMs());
        assertTrue(ring.bytes() <= 2500, ring.bytes() + " bytes");

        PacketRing small = ring(60_000, 500, 1 << 20);
        feed(small, s, 0, 8, 100); // one group past the bound: dropped, and nothing until the next key frame
        assertEquals(0, small.bytes());
        assertTrue(small.packets().isEmpty());
        feed(small, s, 8, 13, 100);
        assertEquals(3, small.packets().size());
        assertTrue(small.packets().get(0).key());
    }

    @Test
    void aCaptureRunsFromTheKeyFrameBeforeItsStartToItsEnd() {
        PacketRing ring = ring(3000, 1 << 20, 1 << 20);
        StreamParams s = StreamParams.of("h264", 1, 1000);
        feed(ring, s, 0, 50, 10);
        ring.capture("e1", T0 + 3500); // pre_s before the first sighting: 3.5 s -> key frame at 3.0 s
        feed(ring, s, 50, 80, 10); // the event goes on longer than the ring's window
        ring.end("e1", T0 + 8250);
        assertTrue(done.isEmpty(), "finished before its end");
        feed(ring, s, 80, 100, 10);
        assertEquals(1, done.size());
        PacketRing.PendingClip clip = done.get(0);
        assertEquals("e1", clip.eventId());
        assertNull(clip.cut());
        assertTrue(clip.packets().get(0).key());
        assertEquals(T0 + 3000, clip.packets().get(0).wallMs());
        assertEquals(T0 + 8200, clip.packets().get(clip.packets().size() - 1).wallMs(), "stops at its end");
        assertEquals(0, ring.capturing());
    }

    @Test
    void anEndThatComesLateIsTrimmedToIt() {
        PacketRing ring = ring(3000, 1 << 20, 1 << 20);
        StreamParams s = StreamParams.of("h264", 1, 1000);
        feed(ring, s, 0, 20, 10);
        ring.capture("e1", T0 + 1000);
        feed(ring, s, 20, 60, 10);
        ring.end("e1", T0 + 2500); // the tracker gave up on the object well after post_s
        assertEquals(1, done.size());
        List<EncodedPacket> p = done.get(0).packets();
        assertEquals(T0 + 1000, p.get(0).wallMs());
        assertEquals(T0 + 2500, p.get(p.size() - 1).wallMs());
    }

    @Test
    void aReconnectStartsANewSegmentAndHandsOverTheCaptureInProgress() {
        PacketRing ring = ring(3000, 1 << 20, 1 << 20);
        StreamParams first = StreamParams.of("h264", 1, 1000);
        feed(ring, first, 0, 30, 10);
        ring.capture("e1", T0 + 1500);
        feed(ring, first, 30, 35, 10);
        StreamParams second = StreamParams.of("h264", 1, 90_000); // new connection, new time base
        now += 2000;
        ring.add(second, 5, 5, 0, false, new byte[10]); // not a key frame: not kept
        assertEquals(1, done.size());
        assertEquals("cut where the camera reconnected", done.get(0).cut());
        assertTrue(done.get(0).packets().stream().allMatch(p -> p.params() == first));
        assertTrue(ring.packets().isEmpty(), "the old segment is gone");
        ring.add(second, 9000, 9000, 0, true, new byte[10]);
        ring.add(second, 18_000, 18_000, 0, false, new byte[10]);
        List<EncodedPacket> held = ring.packets();
        assertEquals(2, held.size());
        assertSame(second, held.get(0).params());
        assertEquals(now + 100, held.get(1).wallMs(), "times follow the new segment's own clock");
        assertEquals(2, ring.segments());
    }

    @Test
    void onlyCodecsAnMp4HoldsAsTheyAreAreKept() {
        assertTrue(PacketRing.mp4CanHold(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264));
        assertTrue(PacketRing.mp4CanHold(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC));
        assertTrue(!PacketRing.mp4CanHold(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_RAWVIDEO));
    }

    @Test
    void stoppingHandsOverEveryCapture() {
        PacketRing ring = ring(3000, 1 << 20, 1 << 20);
        StreamParams s = StreamParams.of("h264", 1, 1000);
        feed(ring, s, 0, 20, 10);
        ring.capture("e1", T0);
        ring.capture("e2", T0 + 1500);
        feed(ring, s, 20, 25, 10);
        ring.finishAll("cut where the camera stopped");
        assertEquals(2, done.size());
        assertEquals("cut where the camera stopped", done.get(0).cut());
        assertEquals(T0 + 1000, done.get(1).packets().get(0).wallMs());
    }

    @Test
    void aCaptureThatOutgrowsItsBoundIsCut() {
        PacketRing ring = ring(3000, 1 << 20, 1000);
        StreamParams s = StreamParams.of("h264", 1, 1000);
        feed(ring, s, 0, 10, 50);
        ring.capture("e1", T0);
        feed(ring, s, 10, 30, 50);
        assertEquals(1, done.size());
        assertTrue(done.get(0).cut().startsWith("cut at 1000 bytes"), done.get(0).cut());
    }

    /** Two cameras' rings feeding the same instants (their packets arrive together). */
    private void feedBoth(PacketRing a, PacketRing b, StreamParams s, int from, int to, int size) {
        for (int i = from; i < to; i++) {
            now = T0 + i * 100L;
            a.add(s, i * 100L, i * 100L, 100, i % 10 == 0, new byte[size]);
            b.add(s, i * 100L, i * 100L, 100, i % 10 == 0, new byte[size]);
        }
    }

    /**
     * Failed before (no such budget): two cameras' captures grew without a common bound (up to 256 MiB each). Now
     * they stop where the shared budget is used up, are counted as cut, and give their bytes back once written.
     */
    @Test
    void capturesOfAllCamerasShareOneBudgetAndAreCutWhereItIsUsedUp() {
        memory = new ClipMemory(4000);
        PacketRing a = ring("a", 3000, 1 << 20, 1 << 20);
        PacketRing b = ring("b", 3000, 1 << 20, 1 << 20);
        StreamParams s = StreamParams.of("h264", 1, 1000);
        feedBoth(a, b, s, 0, 10, 100);
        a.capture("ea", T0); // 10 packets of 100 bytes each: 2000 bytes held
        b.capture("eb", T0);
        assertEquals(2000, memory.bytes());
        feedBoth(a, b, s, 10, 40, 100);
        assertEquals(2, done.size(), "both captures were cut");
        for (PacketRing.PendingClip c : done) {
            assertEquals("cut where record.max_memory_mb was used up", c.cut());
            assertTrue(c.packets().get(0).key());
        }
        assertTrue(memory.bytes() <= 4000, memory.bytes() + " bytes held");
        assertEquals(4000, done.stream().mapToLong(PacketRing.PendingClip::bytes).sum(), "the budget, not more");
        assertEquals(Map.of("a", 1L, "b", 1L), memory.cut());
        done.forEach(c -> memory.release(c.packets())); // the writer wrote them
        assertEquals(0, memory.bytes());
    }

    /** A ring holding its first second (10 packets of 100 bytes), its captures within {@code budget} bytes. */
    private PacketRing secondOfPacketsWithin(long budget) {
        memory = new ClipMemory(budget);
        PacketRing ring = ring(3000, 1 << 20, 1 << 20);
        feed(ring, StreamParams.of("h264", 1, 1000), 0, 10, 100);
        return ring;
    }

    @Test
    void eventsOfOneSceneShareTheirPacketsInTheBudget() {
        PacketRing ring = secondOfPacketsWithin(3000);
        StreamParams s = ring.packets().get(0).params();
        for (int i = 0; i < 5; i++) {
            ring.capture("e" + i, T0); // five people walk in together
        }
        assertEquals(1000, memory.bytes(), "each packet counted once");
        feed(ring, s, 10, 25, 100);
        assertEquals(2500, memory.bytes());
        assertTrue(done.isEmpty(), "five captures of 2500 bytes each fit in 3000");
        ring.finishAll("stop");
        assertEquals(5, done.size());
        done.forEach(c -> memory.release(c.packets()));
        assertEquals(0, memory.bytes());
    }

    @Test
    void aCaptureThatCannotStartIsDroppedAndCounted() {
        PacketRing ring = secondOfPacketsWithin(500);
        ring.capture("e1", T0); // its pre-roll alone is 1000 bytes
        assertEquals(0, ring.capturing());
        assertEquals(0, memory.bytes());
        assertEquals(Map.of("cam", 1L), memory.dropped());
        ring.end("e1", T0 + 500); // its end finds nothing to finish
        assertTrue(done.isEmpty());
    }
}
