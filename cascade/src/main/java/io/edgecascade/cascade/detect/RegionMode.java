package io.edgecascade.cascade.detect;

import java.util.List;
import java.util.Locale;

/**
 * Where the detector looks ({@code detector.regions}).
 *
 * <ul>
 * <li>{@code auto}: on square regions around motion and tracked objects when the frame is much larger than the
 * model's input (scaling the whole frame down would shrink objects more than 2x) and the regions cover little of
 * it; on the whole frame otherwise.</li>
 * <li>{@code always}: on the regions whenever there are any.</li>
 * <li>{@code off} (or {@code full_frame}): always on the whole frame.</li>
 * </ul>
 */
public enum RegionMode {
    AUTO, ALWAYS, OFF;

    /** The config values, {@code full_frame} being another name for {@code off}. */
    public static final List<String> NAMES = List.of("auto", "always", "off", "full_frame");

    public static RegionMode parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return "full_frame".equals(n) ? OFF : valueOf(n.toUpperCase(Locale.ROOT));
    }
}
