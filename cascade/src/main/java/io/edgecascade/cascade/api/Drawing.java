package io.edgecascade.cascade.api;

import java.util.Objects;

/**
 * Something a use case draws on the page's live view and on the annotated video ({@code run --annotate}): a line, a
 * closed polygon, an arrow or a text, in frame pixels. Immutable.
 *
 * @param kind what to draw
 * @param xy   the points as x, y pairs in frame pixels: a line or polygon's corners, an arrow's tail and head, a
 *             text's bottom-left corner
 * @param text the text of a {@link Kind#TEXT}; null otherwise
 * @param rgb  the colour, 0xRRGGBB
 */
public record Drawing(Kind kind, double[] xy, String text, int rgb) {

    /** What a drawing is. */
    public enum Kind {
        LINE, POLYGON, ARROW, TEXT
    }

    public Drawing {
        Objects.requireNonNull(kind, "kind");
        xy = xy.clone();
        if (xy.length % 2 != 0 || xy.length < (kind == Kind.TEXT ? 2 : 4)) {
            throw new IllegalArgumentException(kind + " needs " + (kind == Kind.TEXT ? "one point" : "two points or"
                    + " more") + " as x, y pairs, got " + xy.length + " numbers");
        }
        if (kind == Kind.TEXT && (text == null || text.isEmpty())) {
            throw new IllegalArgumentException("a text drawing needs its text");
        }
    }

    @Override
    public double[] xy() {
        return xy.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Drawing d && d.kind == kind && d.rgb == rgb && java.util.Arrays.equals(d.xy, xy)
                && Objects.equals(d.text, text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, rgb, text, java.util.Arrays.hashCode(xy));
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + java.util.Arrays.toString(xy)
                + (text == null ? "" : " '" + text + "'");
    }

    /** An open line through the points (x, y pairs). */
    public static Drawing line(int rgb, double... xy) {
        return new Drawing(Kind.LINE, xy, null, rgb);
    }

    /** A closed polygon through the points. */
    public static Drawing polygon(int rgb, double... xy) {
        return new Drawing(Kind.POLYGON, xy, null, rgb);
    }

    /** An arrow from (x1, y1) to (x2, y2). */
    public static Drawing arrow(int rgb, double x1, double y1, double x2, double y2) {
        return new Drawing(Kind.ARROW, new double[] {x1, y1, x2, y2}, null, rgb);
    }

    /** A text with its bottom-left corner at (x, y). */
    public static Drawing text(int rgb, double x, double y, String text) {
        return new Drawing(Kind.TEXT, new double[] {x, y}, text, rgb);
    }
}
