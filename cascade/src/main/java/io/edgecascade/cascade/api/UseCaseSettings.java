package io.edgecascade.cascade.api;

import java.util.List;
import java.util.Set;

/**
 * A use case's own keys in the config (its entry of a camera's {@code use_cases:} list, besides {@code name} and
 * {@code type}), read with typed getters. A getter that finds a bad value reports it (with the key's full path, e.g.
 * {@code cameras[0].use_cases[1].seconds: -3 is out of range; allowed 0..86400}) and returns the default, so that
 * {@code config validate} lists every problem at once; {@link #problem} reports a value that is wrong for a reason of
 * the use case's own. Keys no getter asked for are reported as unknown.
 */
public interface UseCaseSettings {

    /** The use case's name ({@code use_cases[].name}): its lines and counts carry it. */
    String name();

    /** The type it was selected by ({@code use_cases[].type}). */
    String type();

    /** The camera it runs on. */
    String camera();

    /** Whether {@code key} is given (and not null). */
    boolean has(String key);

    String string(String key, String def);

    double number(String key, double def, double min, double max);

    long integer(String key, long def, long min, long max);

    boolean bool(String key, boolean def);

    /** A list of text values; a single value is a list of one. */
    List<String> strings(String key, List<String> def);

    /**
     * A list of {@code [x, y]} points (pixels, or fractions 0..1 of the frame when every coordinate is within 0..1);
     * empty when absent. At least {@code minPoints} are required when given.
     */
    List<double[]> points(String key, int minPoints);

    /**
     * An area: the name of one of the camera's zones, or a polygon of at least 3 {@code [x, y]} points; null when the
     * key is absent.
     */
    Area area(String key);

    /** The names of the camera's zones. */
    Set<String> zones();

    /** The labels of the camera's models (for checking a {@code labels:} key). */
    Set<String> labels();

    /** Reports a problem with the value of {@code key}: what is wrong and how to fix it. */
    void problem(String key, String message);
}
