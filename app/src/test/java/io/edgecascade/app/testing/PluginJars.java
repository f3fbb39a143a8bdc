package io.edgecascade.app.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Use-case plug-in jars for tests: the example plug-in the build makes ({@code examples/usecase-plugin}), and jars
 * compiled here from source against the agent's classes, each with its
 * {@code META-INF/services/io.edgecascade.cascade.api.UseCaseFactory} file, as a user's build would make them.
 */
public final class PluginJars {

    private static final String SERVICES = "META-INF/services/io.edgecascade.cascade.api.UseCaseFactory";

    private PluginJars() {
    }

    /**
     * Copies the example plug-in's jar into {@code pluginsDir}. The build's jar when there is one ({@code verify}
     * makes it before the app's tests); after a plain {@code mvn test} the same classes are packed here.
     */
    public static Path example(Path pluginsDir) throws IOException {
        Path target = Path.of(System.getProperty("edge-cascade.example-plugin",
                "../examples/usecase-plugin/target"));
        Files.createDirectories(pluginsDir);
        Path out = pluginsDir.resolve("edge-cascade-example-usecase.jar");
        try (Stream<Path> files = Files.list(target)) {
            Path built = files.filter(p -> p.getFileName().toString().matches(
                    "edge-cascade-example-usecase-.*(?<!-sources|-tests)\\.jar")).findFirst().orElse(null);
            if (built != null) {
                return Files.copy(built, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path classes = target.resolve("classes");
        if (!Files.isDirectory(classes)) {
            throw new IOException("the example plug-in is not built (" + target + "); run mvn verify");
        }
        return jar(out, classes);
    }

    /**
     * Compiles {@code sources} (class name -> source) against the agent's classes and writes them as
     * {@code pluginsDir/name} with a services file listing {@code factories}.
     */
    public static Path compile(Path pluginsDir, String name, Map<String, String> sources, List<String> factories)
            throws IOException {
        Path work = Files.createTempDirectory("plugin-src");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-cp", System.getProperty("java.class.path"),
                "-d", classes.toString()));
        for (Map.Entry<String, String> s : sources.entrySet()) {
            Path file = work.resolve("src").resolve(s.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IOException("the plug-in did not compile:\n" + errors);
        }
        Path services = classes.resolve(SERVICES);
        Files.createDirectories(services.getParent());
        Files.writeString(services, String.join("\n", factories) + "\n");
        Files.createDirectories(pluginsDir);
        return jar(pluginsDir.resolve(name), classes);
    }

    private static Path jar(Path out, Path classes) throws IOException {
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(out));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, jar);
                jar.closeEntry();
            }
        }
        return out;
    }
}
