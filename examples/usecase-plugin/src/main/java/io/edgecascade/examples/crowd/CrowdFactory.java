package io.edgecascade.examples.crowd;

import io.edgecascade.cascade.api.UseCase;
import io.edgecascade.cascade.api.UseCaseFactory;
import io.edgecascade.cascade.api.UseCaseSettings;
import java.util.List;

/**
 * {@code type: crowd}: registered in {@code META-INF/services/io.edgecascade.cascade.api.UseCaseFactory}. Reads the
 * use case's keys once in {@link #check} (so that {@code config validate} reports a bad value before anything runs)
 * and again in {@link #create}.
 */
public final class CrowdFactory implements UseCaseFactory {

    @Override
    public String type() {
        return "crowd";
    }

    @Override
    public void check(UseCaseSettings settings) {
        read(settings);
    }

    @Override
    public UseCase create(UseCaseSettings settings) {
        return new Crowd(read(settings));
    }

    private static Crowd.Settings read(UseCaseSettings s) {
        int min = (int) s.integer("min_objects", 2, 1, 1000);
        List<String> labels = s.strings("labels", List.of("person"));
        for (String l : labels) {
            if (!s.labels().isEmpty() && !s.labels().contains(l)) {
                s.problem("labels", "'" + l + "' is not a label of the camera's models");
            }
        }
        return new Crowd.Settings(min, List.copyOf(labels));
    }
}
