package io.edgecascade.cascade.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SourceUriTest {

    @Test
    void pathsAndFileUrisAreFiles() throws Exception {
        SourceUri plain = SourceUri.parse("/videos/lobby.mp4");
        assertFalse(plain.live());
        assertEquals("/videos/lobby.mp4", plain.location());
        assertEquals("/videos/lobby.mp4", SourceUri.parse("file:///videos/lobby.mp4").location());
        assertFalse(SourceUri.parse("relative/clip.mkv").live());
    }

    @Test
    void networkStreamsAndUsbCamerasAreLive() throws Exception {
        SourceUri rtsp = SourceUri.parse("rtsp://cam.local:554/stream1");
        assertTrue(rtsp.live());
        assertNull(rtsp.format());
        SourceUri usb = SourceUri.parse("usb:1");
        assertEquals("/dev/video1", usb.location());
        assertEquals("video4linux2", usb.format());
        assertTrue(SourceUri.parse("/dev/video0").live());
    }

    @Test
    void unknownSchemesAreRejectedWithTheSupportedForms() {
        SourceException e = assertThrows(SourceException.class, () -> SourceUri.parse("ftp://host/clip.mp4"));
        assertTrue(e.getMessage().contains("unsupported source scheme 'ftp:'"), e.getMessage());
        assertTrue(e.getMessage().contains("rtsp://"), e.getMessage());
        assertThrows(SourceException.class, () -> SourceUri.parse("  "));
    }

    @Test
    void credentialsNeverReachLogs() throws Exception {
        SourceUri uri = SourceUri.parse("rtsp://admin:s3cret@10.0.0.5/live");
        assertEquals("rtsp://***@10.0.0.5/live", uri.toString());
        assertFalse(uri.toString().contains("s3cret"));
        SourceException e = assertThrows(SourceException.class, () -> SourceUri.parse("gopher://u:pw@h/x"));
        assertFalse(e.getMessage().contains("pw@"), e.getMessage());
    }
}
