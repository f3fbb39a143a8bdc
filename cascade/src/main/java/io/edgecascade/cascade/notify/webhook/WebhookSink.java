package io.edgecascade.cascade.notify.webhook;

import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.notify.EventMessage;
import io.edgecascade.cascade.notify.EventMessages;
import io.edgecascade.cascade.notify.Outbox;
import io.edgecascade.cascade.notify.OutboxMessage;
import io.edgecascade.cascade.notify.OutboxSink;
import io.edgecascade.cascade.notify.SnapshotSource;
import io.edgecascade.cascade.notify.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Posts each event message that passes its filter to one URL ({@link WebhookTransport}), through its outbox: the body
 * is the same JSON as MQTT's {@code <prefix>/events}; with {@code snapshot: true} a {@code new} and an {@code end} carry
 * the event's best frame as a second part.
 */
public final class WebhookSink extends OutboxSink {

    private final WebhookSettings settings;
    private final EventMessages events;

    WebhookSink(WebhookSettings settings, Outbox outbox, Transport transport, SnapshotSource snapshots,
            PipelineObserver observer) {
        super("webhook_" + settings.name(), outbox, transport, backoff(settings.delivery().backoff(),
                settings.delivery().maxBackoff()), snapshots, observer);
        this.settings = settings;
        this.events = new EventMessages(settings.delivery().filter());
    }

    /**
     * Opens the webhook's outbox (messages an earlier run left go first) and makes the sink; the cascade runs its
     * delivery thread.
     *
     * @param configKey {@code webhooks[i]}, for messages
     * @param frames    the cameras' best frames (shared with the page and the forwarder), for {@code snapshot: true}
     * @throws IOException naming the folder and the fix when the outbox cannot be used
     */
    public static WebhookSink open(WebhookSettings settings, String configKey, PipelineObserver observer,
            BestFrames frames) throws IOException {
        String name = "webhook_" + settings.name();
        Outbox outbox = Outbox.open(name, settings.delivery().outbox(), settings.delivery().maxAttempts(), configKey,
                observer);
        SnapshotSource snapshots = settings.snapshot()
                ? SnapshotSource.of(frames, settings.delivery().filter()::watches) : SnapshotSource.NONE;
        return new WebhookSink(settings, outbox, new WebhookTransport(settings), snapshots, observer);
    }

    @Override
    protected List<OutboxMessage> messages(PositiveFrame p) {
        List<EventMessage> ms = events.of(p, (c, t) -> snapshots.jpeg(c, t) != null);
        List<OutboxMessage> out = new ArrayList<>(ms.size());
        for (EventMessage m : ms) {
            byte[] jpeg = m.isNew() || m.isEnd() ? snapshots.jpeg(m.camera(), m.trackId()) : null;
            out.add(new OutboxMessage(m.messageId(), "", false, m.json(), jpeg));
        }
        return out;
    }

    @Override
    public String toString() {
        return settings.toString();
    }
}
