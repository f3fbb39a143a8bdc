package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.UseCase;

/** Makes a camera's use case from its config entry (the wiring looks its type up among the known factories). */
@FunctionalInterface
public interface UseCaseMaker {

    /** For cascades without use cases: making one fails. */
    UseCaseMaker NONE = (camera, spec) -> {
        throw new IllegalStateException("no use case types are known to this cascade");
    };

    /** A new use case for {@code camera}; the caller closes it. */
    UseCase make(CameraSettings camera, UseCaseSpec spec) throws Exception;

    /** Where a use case of {@code type} comes from, for log lines ({@code built in}, {@code plugins/x.jar}). */
    default String origin(String type) {
        return "";
    }
}
