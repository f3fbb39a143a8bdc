package io.edgecascade.cascade.detect;

import java.util.List;
import java.util.Locale;

/**
 * How a classifier's input is made from a crop ({@code models[].channels}, {@code mean}, {@code std}): the crop is
 * resized to the model's input, its channels put in {@code channels} order, each value scaled to 0..1 and normalised
 * as {@code (value - mean[c]) / std[c]}. The defaults (RGB, mean 0, std 1) give values 0..1; ImageNet-trained models
 * usually want mean {0.485, 0.456, 0.406} and std {0.229, 0.224, 0.225}.
 *
 * @param rgb  true: red first (most classifiers); false: blue first (OpenCV's and YOLOX's order)
 * @param mean per channel, in the model's channel order
 * @param std  per channel, in the model's channel order, each above 0
 */
public record ImageInput(boolean rgb, double[] mean, double[] std) {

    public static final ImageInput DEFAULTS = new ImageInput(true, new double[] {0, 0, 0}, new double[] {1, 1, 1});
    public static final List<String> CHANNELS = List.of("rgb", "bgr");

    public ImageInput {
        mean = mean.clone();
        std = std.clone();
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need one value per channel (3)");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be above 0");
            }
        }
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageInput i && i.rgb == rgb && java.util.Arrays.equals(i.mean, mean)
                && java.util.Arrays.equals(i.std, std);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(rgb, java.util.Arrays.hashCode(mean), java.util.Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s, mean %s, std %s", rgb ? "rgb" : "bgr", java.util.Arrays.toString(mean),
                java.util.Arrays.toString(std));
    }
}
