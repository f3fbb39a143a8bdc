package io.edgecascade.cascade.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.source.InterruptibleFfmpegSource;
import io.edgecascade.cascade.source.SourceUri;
import io.edgecascade.cascade.source.StreamOptions;
import io.edgecascade.cascade.testing.RtspServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ring behind a real connection (GStreamer's RTSP server, FFmpeg's RTSP client), closed and opened again like a
 * reconnect: the packets it copied mux into an mp4 that decodes without an error, and the second connection is a
 * new segment that starts at a key frame.
 */
class PacketRingRtspTest {

    @TempDir
    Path dir;

    @Test
    void packetsOfTwoConnectionsAreTwoSegmentsThatEachMuxAndDecode() throws Exception {
        List<PacketRing.PendingClip> done = new ArrayList<>();
        PacketRing ring = new PacketRing("cam", 60_000, 16 << 20, 16 << 20, System::currentTimeMillis,
                new ClipMemory(64 << 20), done::add);
        try (RtspServer server = new RtspServer(dir, TestAssets.personVideo(), List.of("cam"), null)) {
            server.start();
            SourceUri uri = SourceUri.parse(server.url("cam", null));
            StreamOptions options = new StreamOptions("tcp", Map.of(), 10_000, 500, 30_000, false);

            read(uri, options, ring, 35); // the first second of a connection has no decoding times: not kept
            List<EncodedPacket> first = ring.packets();
            assertTrue(first.size() >= 20 && first.get(0).key(), first.size() + " packets");
            ring.capture("e1", System.currentTimeMillis() - 60_000);
            Path a = dir.resolve("a.mp4");
            PacketMuxer.write(first, a);
            assertDecodes(a, first.size());

            read(uri, options, ring, 25); // the reconnect
            assertEquals(2, ring.segments());
            assertEquals(1, done.size(), "the capture in progress was handed over at the reconnect");
            assertEquals("cut where the camera reconnected", done.get(0).cut());
            List<EncodedPacket> second = ring.packets();
            assertTrue(second.get(0).key());
            assertNotSame(first.get(0).params(), second.get(0).params());
            assertTrue(second.stream().allMatch(p -> p.params() == second.get(0).params()));
            Path b = dir.resolve("b.mp4");
            PacketMuxer.write(second, b);
            assertDecodes(b, second.size());
        }
    }

    /** One connection: {@code frames} decoded frames, the packets shown to a fresh listener of the ring. */
    private static void read(SourceUri uri, StreamOptions options, PacketRing ring, int frames) throws Exception {
        InterruptibleFfmpegSource s = new InterruptibleFfmpegSource(uri, options, ring.listener());
        try {
            s.open();
            for (int i = 0; i < frames; i++) {
                assertTrue(s.grab() != null, "the stream ended after " + i + " frames");
            }
        } finally {
            s.close();
        }
    }

    private static void assertDecodes(Path video, int packets) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-i", video.toString(), "-f", "null", "-")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "ffmpeg (Debian ffmpeg) failed: " + out);
        assertEquals("", out.strip(), "decode errors in " + video);
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
                "-show_entries", "stream=codec_name,nb_read_packets", "-of", "csv=p=0", video.toString())
                .redirectErrorStream(true).start();
        String info = new String(probe.getInputStream().readAllBytes()).strip();
        assertTrue(probe.waitFor(30, TimeUnit.SECONDS), info);
        assertEquals("h264," + packets, info, "the camera's codec, every packet");
    }
}
