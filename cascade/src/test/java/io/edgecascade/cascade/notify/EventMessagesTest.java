package io.edgecascade.cascade.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecascade.cascade.api.Attribute;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event messages of MQTT and webhooks name the detect entry of the track and carry its attributes. */
class EventMessagesTest {

    @Test
    void aMessageNamesItsDetectEntryAndCarriesTheAttributesAndTheTrackersStationaryVerdict() throws Exception {
        float[] box = {100, 50, 160, 200};
        Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
        TrackEvent e = new TrackEvent("cam-1-1", TrackEvent.Type.START, "cam", 10, 1000, t0.plusMillis(1000), "car", 1,
                0.8f, box, List.of(), 1000, 1000, 10, null, "vehicles",
                List.of(new Attribute("colour", "dark", 0.81f)), true, true);
        try (VideoFrame f = new VideoFrame("cam", 10, 1000, t0.plusMillis(1000), NotifyTestFrames.picture())) {
            PositiveFrame p = new PositiveFrame(f, null, List.of(new Detection("car", 2, 0.8f, 100, 50, 160, 200)),
                    new FrameTracks(List.of(1L), List.of(e), List.of(1L), List.of()));
            List<EventMessage> messages = new EventMessages(SinkFilter.ALL).of(p, EventMessages.Snapshots.NONE);
            assertEquals(1, messages.size());
            JsonNode after = EventMessages.JSON.readTree(messages.get(0).json()).get("after");
            assertEquals("vehicles", after.get("model").asText(), after.toString());
            assertEquals("colour", after.get("attributes").get(0).get("model").asText(), after.toString());
            assertEquals("dark", after.get("attributes").get(0).get("label").asText(), after.toString());
            assertEquals(0.81, after.get("attributes").get(0).get("score").asDouble(), 1e-3, after.toString());
            assertTrue(after.get("stationary").asBoolean(), "the tracker said stationary: " + after);
        }
    }
}
