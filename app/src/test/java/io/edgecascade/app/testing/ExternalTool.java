package io.edgecascade.app.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a program a test needs on the PATH. Missing in CI ({@code CI=true}) fails the test with what to
 * install; missing on a developer's machine skips it with the same message.
 */
public final class ExternalTool {

    private ExternalTool() {
    }

    public static Path require(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        String message = name + " is not installed: install the Debian package " + debianPackage(name)
                + " (apt-get install -y " + debianPackage(name) + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            return fail(message);
        }
        Assumptions.abort("skipped: " + message);
        return null;
    }

    private static String debianPackage(String tool) {
        return switch (tool) {
            case "promtool", "prometheus" -> "prometheus";
            default -> tool;
        };
    }
}
