package io.edgecascade.cascade.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * Plans the square crops the detector runs on: one square around each box of interest (motion regions, tracked
 * objects), at least the model's input size so small objects keep their pixels, with context around the box;
 * squares that mostly overlap are merged; at most {@value #MAX_REGIONS}. Pure arithmetic, no pixels.
 *
 * <p>Why squares of at least the input size: the model's input is square, and a crop smaller than it would be
 * scaled up (no new detail, same cost); a larger crop is scaled down only as much as the object needs.
 */
public final class RegionPlanner {

    /** A square crop of the frame, in frame pixels. */
    public record Square(int x, int y, int side) {
        int x2() {
            return x + side;
        }

        int y2() {
            return y + side;
        }
    }

    /** A box's larger side times this is the side of its square (the context a detector needs around an object). */
    static final double CONTEXT = 1.5;
    /** More squares than this cost more than the whole frame would: they are merged. */
    static final int MAX_REGIONS = 4;
    /** In auto mode, squares covering more than this share of the frame: the whole frame is cheaper. */
    static final double MAX_COVERAGE = 0.5;
    /** In auto mode, regions pay off only when the whole frame would be scaled below this ratio. */
    static final double FULL_FRAME_RATIO = 0.5;
    /** Two squares merge when the square covering both is at most this much larger than the larger of them. */
    static final double MERGE_GROWTH = 1.25;

    private RegionPlanner() {
    }

    /**
     * The squares to run the detector on, or an empty list for the whole frame.
     *
     * @param boxes boxes of interest {x1, y1, x2, y2} in frame pixels
     * @param modelSide the model's (square) input size; 0 when unknown: the whole frame
     */
    public static List<Square> plan(RegionMode mode, int frameWidth, int frameHeight, int modelSide,
            List<float[]> boxes) {
        if (mode == RegionMode.OFF || boxes.isEmpty() || modelSide <= 0) {
            return List.of();
        }
        int shortSide = Math.min(frameWidth, frameHeight);
        boolean auto = mode == RegionMode.AUTO;
        if (auto && Math.min((double) modelSide / frameWidth, (double) modelSide / frameHeight) >= FULL_FRAME_RATIO) {
            return List.of();
        }
        List<Square> squares = new ArrayList<>();
        for (float[] b : boxes) {
            double need = Math.max(b[2] - b[0], b[3] - b[1]) * CONTEXT;
            if (auto && need > shortSide) {
                return List.of(); // an object this large is seen well enough on the whole frame
            }
            squares.add(around((b[0] + b[2]) / 2, (b[1] + b[3]) / 2,
                    (int) Math.min(shortSide, Math.max(modelSide, Math.ceil(need))), frameWidth, frameHeight));
        }
        mergeOverlapping(squares, frameWidth, frameHeight);
        while (squares.size() > MAX_REGIONS) {
            if (!mergeClosest(squares, frameWidth, frameHeight)) {
                return List.of();
            }
        }
        if (auto) {
            double covered = 0;
            for (Square s : squares) {
                covered += (double) s.side() * s.side();
            }
            if (covered > MAX_COVERAGE * frameWidth * frameHeight) {
                return List.of();
            }
        }
        return List.copyOf(squares);
    }

    private static Square around(double cx, double cy, int side, int frameWidth, int frameHeight) {
        int x = (int) Math.round(cx - side / 2.0);
        int y = (int) Math.round(cy - side / 2.0);
        x = Math.max(0, Math.min(x, frameWidth - side));
        y = Math.max(0, Math.min(y, frameHeight - side));
        return new Square(x, y, side);
    }

    /** The square covering both, or null when it would not fit the frame. */
    private static Square cover(Square a, Square b, int frameWidth, int frameHeight) {
        int x1 = Math.min(a.x(), b.x());
        int y1 = Math.min(a.y(), b.y());
        int x2 = Math.max(a.x2(), b.x2());
        int y2 = Math.max(a.y2(), b.y2());
        int side = Math.max(x2 - x1, y2 - y1);
        if (side > Math.min(frameWidth, frameHeight)) {
            return null;
        }
        return around((x1 + x2) / 2.0, (y1 + y2) / 2.0, side, frameWidth, frameHeight);
    }

    private static void mergeOverlapping(List<Square> squares, int frameWidth, int frameHeight) {
        boolean merged = true;
        while (merged) {
            merged = false;
            outer:
            for (int i = 0; i < squares.size(); i++) {
                for (int j = i + 1; j < squares.size(); j++) {
                    Square a = squares.get(i);
                    Square b = squares.get(j);
                    Square c = cover(a, b, frameWidth, frameHeight);
                    if (c != null && c.side() <= MERGE_GROWTH * Math.max(a.side(), b.side())) {
                        squares.set(i, c);
                        squares.remove(j);
                        merged = true;
                        break outer;
                    }
                }
            }
        }
    }

    private static boolean mergeClosest(List<Square> squares, int frameWidth, int frameHeight) {
        Square best = null;
        int bi = -1;
        int bj = -1;
        for (int i = 0; i < squares.size(); i++) {
            for (int j = i + 1; j < squares.size(); j++) {
                Square c = cover(squares.get(i), squares.get(j), frameWidth, frameHeight);
                if (c != null && (best == null || c.side() < best.side())) {
                    best = c;
                    bi = i;
                    bj = j;
                }
            }
        }
        if (best == null) {
            return false;
        }
        squares.set(bi, best);
        squares.remove(bj);
        return true;
    }
}
