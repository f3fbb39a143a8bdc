package io.edgecascade.cascade.notify;

/**
 * One message about an event for the sinks: the JSON that MQTT publishes on {@code <prefix>/events} and a webhook
 * posts, {@code {"type": "new"|"update"|"end", "before": {...}, "after": {...}}}, and what a sink needs besides it.
 *
 * @param type     {@code new}, {@code update} or {@code end}
 * @param eventId  the event's id ({@code after.id})
 * @param topScore the event's best score so far
 * @param json     the message, UTF-8 JSON
 */
public record EventMessage(String type, String eventId, String camera, String label, long trackId, double topScore,
        byte[] json) {

    public boolean isNew() {
        return "new".equals(type);
    }

    public boolean isEnd() {
        return "end".equals(type);
    }
}
