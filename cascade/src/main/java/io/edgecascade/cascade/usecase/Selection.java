package io.edgecascade.cascade.usecase;

import io.edgecascade.cascade.api.TrackedObject;
import io.edgecascade.cascade.api.UseCaseSettings;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The objects a built-in use case looks at ({@code labels:}, default every label) and the keys every built-in reads.
 */
final class Selection {

    private final Set<String> labels;

    private Selection(Set<String> labels) {
        this.labels = Set.copyOf(labels);
    }

    /** Reads {@code labels} (each must be a label of the camera's models). */
    static Selection read(UseCaseSettings s) {
        List<String> given = s.strings("labels", List.of());
        Set<String> out = new LinkedHashSet<>();
        for (String l : given) {
            if (!s.labels().isEmpty() && !s.labels().contains(l)) {
                s.problem("labels", "'" + l + "' is not a label of the camera's models; use labels such as "
                        + String.join(", ", s.labels().stream().sorted().limit(8).toList()));
            } else {
                out.add(l);
            }
        }
        return new Selection(out);
    }

    boolean wants(TrackedObject o) {
        return labels.isEmpty() || labels.contains(o.label());
    }
}
