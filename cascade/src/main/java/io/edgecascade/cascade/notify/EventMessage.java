package io.edgecascade.cascade.notify;

/**
 * One message about an event for the sinks: the JSON that MQTT publishes on {@code <prefix>/events} and a webhook
 * posts, {@code {"type": "new"|"update"|"end", "before": {...}, "after": {...}}}, and what a sink needs besides it.
 *
 * @param type     {@code new}, {@code update} or {@code end}
 * @param eventId  the event's id ({@code after.id})
 * @param topScore the event's best score so far
 * @param json     the message, UTF-8 JSON
 * @param frameMillis the time of the frame the message is about ({@code after.frame_time}, epoch ms)
 */
public record EventMessage(String type, String eventId, String camera, String label, long trackId, double topScore,
        byte[] json, long frameMillis) {

    /**
     * What tells this message from every other, and a copy of it from nothing: {@code <event id>/<type>/<frame time
     * ms>}. An event has one {@code new}, one {@code end}, and at most one {@code update} per frame, so a receiver that
     * sees an id twice (a message sent again after a lost acknowledgement or a restart) keeps the first. A webhook
     * sends it as {@code X-Edge-Cascade-Message}; on MQTT the same three fields are in the JSON ({@code after.id},
     * {@code type}, {@code after.frame_time}).
     */
    public String messageId() {
        return eventId + "/" + type + "/" + frameMillis;
    }

    public boolean isNew() {
        return "new".equals(type);
    }

    public boolean isEnd() {
        return "end".equals(type);
    }
}
