package io.edgecascade.cascade.api;

import java.util.List;

/**
 * What tracking made of one detected frame, travelling with it to the sinks.
 *
 * @param trackIds   per detection of the frame (same order): the id of its track
 * @param events     event lines this frame produced (start, update, end)
 * @param bestOf     tracks whose best frame is now this frame (their best score rose)
 * @param discarded  tentative tracks that died before being confirmed (their kept frames can go)
 */
public record FrameTracks(List<Long> trackIds, List<TrackEvent> events, List<Long> bestOf, List<Long> discarded) {

    public static final FrameTracks NONE = new FrameTracks(List.of(), List.of(), List.of(), List.of());

    public FrameTracks {
        trackIds = List.copyOf(trackIds);
        events = List.copyOf(events);
        bestOf = List.copyOf(bestOf);
        discarded = List.copyOf(discarded);
    }

    /** Nothing for the sinks: no event, no new best frame, nothing discarded. */
    public boolean isQuiet() {
        return events.isEmpty() && bestOf.isEmpty() && discarded.isEmpty();
    }
}
