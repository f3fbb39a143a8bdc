package io.edgecascade.app.config;

import io.edgecascade.cascade.detect.ImageInput;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.detect.ModelTypes;
import io.edgecascade.cascade.pipeline.DetectEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the models of a config: {@code models:}, a list of models each with a {@code name}, or {@code model:}, its
 * one-model shorthand (named after its file unless it has a {@code name}). Each model has {@code path}, {@code type},
 * {@code labels}, {@code engine} (default the config's), {@code precision}, {@code calibration},
 * {@code calibration_frames}, and for a classifier {@code channels}, {@code mean}, {@code std}.
 */
final class ModelsConfig {

    /**
     * A model as read, with its labels (null when they could not be read: a problem was reported).
     */
    record Model(AppConfig.ModelConfig config, List<String> labels) {
        String name() {
            return config.name();
        }

        boolean findsBoxes() {
            return ModelTypes.findsBoxes(config.type());
        }
    }

    private ModelsConfig() {
    }

    /** Every model of the config, in order; problems go to the sections. Empty when none could be read. */
    static List<Model> read(Section root, List<String> engines) {
        boolean one = root.has("model");
        boolean list = root.has("models");
        if (one && list) {
            root.problem("models", "is given together with model:; use models: (a list) or model: (one model), not"
                    + " both");
        }
        List<Model> out = new ArrayList<>();
        if (list) {
            List<Section> sections = root.sections("models");
            if (sections.isEmpty()) {
                root.problem("models", "is empty; list at least one model, e.g. [{name: people, path:"
                        + " .../yolox_nano.onnx, type: yolox, labels: .../coco_classes.txt}]");
            }
            for (Section m : sections) {
                Model read = model(m, engines);
                if (read != null) {
                    out.add(read);
                }
            }
        } else {
            Model read = model(root.section("model"), engines);
            if (read != null) {
                out.add(read);
            }
        }
        Set<String> names = new HashSet<>();
        for (Model m : out) {
            if (!names.add(m.name())) {
                root.problem(list ? "models" : "model", "two models are named '" + m.name() + "'; give each a"
                        + " name: of its own");
            }
        }
        if (!out.isEmpty() && out.stream().noneMatch(Model::findsBoxes)) {
            root.problem(list ? "models" : "model", "no model finds boxes: every one is a classifier, which runs"
                    + " on another model's boxes; add a detector (type: yolox)");
        }
        return out;
    }

    private static Model model(Section m, List<String> engines) {
        String path = m.requiredString("path", "set it to the ONNX model, e.g. "
                + "${EDGE_CASCADE_ASSETS}/models/yolox_nano.onnx");
        String name = m.string("name", path == null ? null : AppConfig.ModelConfig.nameOf(Path.of(path)));
        if (name != null && !DetectEntry.NAME.matcher(name).matches()) {
            m.problem("name", "'" + name + "' is not a valid name; use letters, digits, '_', '-', '.' (up to 64)");
        }
        String type = m.choice("type", ModelTypes.YOLOX, ModelTypes.NAMES);
        String labelsPath = m.requiredString("labels", "set it to the class-names file, e.g. "
                + "${EDGE_CASCADE_ASSETS}/models/coco_classes.txt");
        List<String> allEngines = new ArrayList<>(engines);
        String engine = m.has("engine") ? m.choice("engine", null, allEngines) : null;
        String precision = m.choice("precision", "fp32", AppConfig.ModelConfig.PRECISIONS);
        String calibration = m.string("calibration", AppConfig.ModelConfig.CAMERA);
        int calibrationFrames = (int) m.integer("calibration_frames", 50, 1, 10_000);
        if (calibration != null && !AppConfig.ModelConfig.CAMERA.equals(calibration)
                && !Files.isDirectory(Path.of(calibration))) {
            m.problem("calibration", "'" + calibration + "' is neither 'camera' nor an image folder; use camera"
                    + " (the first camera's frames) or a folder of .jpg/.png frames from the cameras");
        }
        ImageInput input = input(m, type);
        m.finish();
        ConfigLoader.checkFile(m, "path", path, "run 'edge-cascade models pull' or fix the path");
        List<String> labels = labels(m, labelsPath);
        if (path == null || labelsPath == null || name == null || type == null) {
            return null;
        }
        return new Model(new AppConfig.ModelConfig(name, Path.of(path), type, Path.of(labelsPath), precision,
                calibration, calibrationFrames, engine, input), labels);
    }

    /** {@code channels}, {@code mean}, {@code std}: how a classifier's input is made. */
    private static ImageInput input(Section m, String type) {
        ImageInput d = ImageInput.DEFAULTS;
        boolean given = m.has("channels") || m.has("mean") || m.has("std");
        String channels = m.choice("channels", d.rgb() ? "rgb" : "bgr", ImageInput.CHANNELS);
        double[] mean = triple(m, "mean", d.mean(), false);
        double[] std = triple(m, "std", d.std(), true);
        if (given && !ModelTypes.CLASSIFIER.equals(type)) {
            m.problem(m.has("channels") ? "channels" : m.has("mean") ? "mean" : "std", "applies to type: classifier"
                    + " only (a " + type + " model makes its input its own way); remove it");
        }
        return new ImageInput("rgb".equals(channels), mean, std);
    }

    private static double[] triple(Section m, String key, double[] def, boolean positive) {
        List<String> values = m.strings(key, null);
        if (values == null) {
            return def;
        }
        if (values.size() != 3) {
            m.problem(key, "needs one number per channel, 3 in all, e.g. [0.485, 0.456, 0.406]; got "
                    + values.size());
            return def;
        }
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            try {
                out[i] = Double.parseDouble(values.get(i).trim());
            } catch (NumberFormatException e) {
                m.problem(key, "'" + values.get(i) + "' is not a number");
                return def;
            }
            if (positive ? !(out[i] > 0) : Double.isNaN(out[i])) {
                m.problem(key, values.get(i) + " is out of range; " + (positive ? "each std must be above 0"
                        : "give numbers"));
                return def;
            }
        }
        return out;
    }

    private static List<String> labels(Section m, String path) {
        if (path == null) {
            return null;
        }
        try {
            return Labels.read(Path.of(path));
        } catch (IOException e) {
            m.problem("labels", e.getMessage());
            return null;
        }
    }

    /**
     * The labels of the models that find boxes (what {@code detector.classes} and filters may name), or null when a
     * model's labels could not be read (nothing is checked against them then).
     */
    static List<String> boxLabels(List<Model> models) {
        Set<String> out = new LinkedHashSet<>();
        for (Model m : models) {
            if (m.findsBoxes()) {
                if (m.labels() == null) {
                    return null;
                }
                out.addAll(m.labels());
            }
        }
        return models.isEmpty() ? null : List.copyOf(out);
    }
}
