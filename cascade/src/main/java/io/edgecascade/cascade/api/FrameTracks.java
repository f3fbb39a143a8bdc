package io.edgecascade.cascade.api;

import java.util.List;

/**
 * What tracking and the camera's use cases made of one detected frame, travelling with it to the sinks.
 *
 * @param trackIds      per detection of the frame (same order): the id of its track
 * @param events        event lines this frame produced (start, update, end)
 * @param bestOf        tracks whose best frame is now this frame (their best score rose)
 * @param discarded     tentative tracks that died before being confirmed (their kept frames can go)
 * @param objects       every confirmed track of the camera after this frame (what use cases look at)
 * @param useCaseEvents the lines the camera's use cases added on this frame (their own types)
 * @param overlay       what the camera's use cases draw now (the latest drawings of each), for the page and the
 *                      annotated video
 */
public record FrameTracks(List<Long> trackIds, List<TrackEvent> events, List<Long> bestOf, List<Long> discarded,
        List<TrackedObject> objects, List<UseCaseEvent> useCaseEvents, List<Drawing> overlay) {

    public static final FrameTracks NONE = new FrameTracks(List.of(), List.of(), List.of(), List.of());

    public FrameTracks {
        trackIds = List.copyOf(trackIds);
        events = List.copyOf(events);
        bestOf = List.copyOf(bestOf);
        discarded = List.copyOf(discarded);
        objects = List.copyOf(objects);
        useCaseEvents = List.copyOf(useCaseEvents);
        overlay = List.copyOf(overlay);
    }

    /** Tracking's part alone: no objects listed, no use cases. */
    public FrameTracks(List<Long> trackIds, List<TrackEvent> events, List<Long> bestOf, List<Long> discarded) {
        this(trackIds, events, bestOf, discarded, List.of(), List.of(), List.of());
    }

    /** These tracks with the lines and drawings of the camera's use cases. */
    public FrameTracks withUseCases(List<UseCaseEvent> lines, List<Drawing> drawings) {
        return new FrameTracks(trackIds, events, bestOf, discarded, objects, lines, drawings);
    }

    /** Nothing for the sinks: no event line (track or use case), no new best frame, nothing discarded. */
    public boolean isQuiet() {
        return events.isEmpty() && useCaseEvents.isEmpty() && bestOf.isEmpty() && discarded.isEmpty();
    }
}
