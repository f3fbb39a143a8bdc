/**
 * What stages, sinks and plug-ins see of the cascade, and nothing else: the frames ({@link
 * io.edgecascade.cascade.api.VideoFrame}, {@link io.edgecascade.cascade.api.PositiveFrame}), what was found in them
 * ({@link io.edgecascade.cascade.api.Detection}, {@link io.edgecascade.cascade.api.MotionResult}, {@link
 * io.edgecascade.cascade.api.FrameTracks}, {@link io.edgecascade.cascade.api.TrackEvent}), the sink and observer
 * interfaces ({@link io.edgecascade.cascade.api.FrameSink}, {@link io.edgecascade.cascade.api.PipelineObserver}) and
 * the names they report with ({@link io.edgecascade.cascade.api.Stage}, {@link io.edgecascade.cascade.api.Outcome},
 * {@link io.edgecascade.cascade.api.CameraState}).
 *
 * <p>This package depends on no other package of the project (OpenCV's {@code Mat} is the one outside type a frame
 * carries); {@code ArchitectureTest} guards it. The threading engine ({@code pipeline}) and the sinks ({@code events},
 * {@code forward}, {@code ui}, {@code record}) both depend on it and not on each other.
 */
package io.edgecascade.cascade.api;
