package io.edgecascade.cascade.events;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.forward.Upload;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The stop's one deadline reaches the forwarder through the sink that feeds it. */
class EventForwardingCloseTest {

    @Test
    void closeHandsTheStopsDeadlineToTheForwarder() throws Exception {
        AtomicReference<Deadline> got = new AtomicReference<>();
        Uplink forwarder = new Uplink() {
            @Override
            public void upload(Upload u) {
            }

            @Override
            public void close(Deadline d) {
                got.set(d);
            }
        };
        Deadline d = Deadline.after(Duration.ofSeconds(7));
        new EventForwarding(forwarder, EventForwarding.Mode.EVENTS, new BestFrames(BestFrames.Settings.DEFAULTS, 90))
                .close(d);
        assertSame(d, got.get(), "the forwarder drains under the same deadline, not a timeout of its own");
    }
}
