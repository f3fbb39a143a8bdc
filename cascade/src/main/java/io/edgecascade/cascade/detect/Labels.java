package io.edgecascade.cascade.detect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a class-names file: one name per line, line number = class id; trailing blank lines ignored. */
public final class Labels {
    private Labels() {
    }

    public static List<String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("labels file not found: " + file
                    + "; set model.labels to a file with one class name per line");
        }
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            names.add(line.strip());
        }
        while (!names.isEmpty() && names.get(names.size() - 1).isEmpty()) {
            names.remove(names.size() - 1);
        }
        if (names.isEmpty()) {
            throw new IOException("labels file is empty: " + file + "; it needs one class name per line");
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).isEmpty()) {
                throw new IOException("labels file " + file + " has an empty name on line " + (i + 1)
                        + "; every class id needs a name");
            }
        }
        return List.copyOf(names);
    }
}
