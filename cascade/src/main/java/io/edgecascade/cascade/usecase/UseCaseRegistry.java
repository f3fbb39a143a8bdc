package io.edgecascade.cascade.usecase;

import io.edgecascade.cascade.api.UseCaseFactory;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The use-case types this agent knows: the built-in ones and those of every jar in {@code plugins.dir}, each found with
 * {@link ServiceLoader} ({@code META-INF/services/io.edgecascade.cascade.api.UseCaseFactory}). Each jar gets a class
 * loader of its own (its parent: the agent's), so two plug-ins cannot clash over a class.
 *
 * <p>A jar that cannot be read, a factory class that cannot be loaded or made (a missing class, a constructor that
 * throws), a type that is not a valid name or that another factory has already: each is one line in
 * {@link #problems()} naming the jar and what to do, and that factory is left out; the others load. A registry is made
 * once per folder for the life of the process ({@link #forDir}): {@code config validate}, the start of a run and each
 * config reload see the same plug-ins, loaded once.
 */
public final class UseCaseRegistry {

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Map<Path, UseCaseRegistry> BY_DIR = new ConcurrentHashMap<>();

    /** A known factory and where it comes from ({@code built in} or the jar's path). */
    public record Known(UseCaseFactory factory, String origin) {
    }

    private final Map<String, Known> types = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private UseCaseRegistry() {
    }

    /** The registry of the built-in types and the plug-ins in {@code dir} (none when it does not exist). */
    public static UseCaseRegistry forDir(Path dir) {
        return BY_DIR.computeIfAbsent(dir.toAbsolutePath().normalize(), UseCaseRegistry::load);
    }

    /** The built-in types only. */
    public static UseCaseRegistry builtIn() {
        UseCaseRegistry r = new UseCaseRegistry();
        r.addBuiltIns();
        return r;
    }

    private static UseCaseRegistry load(Path dir) {
        UseCaseRegistry r = new UseCaseRegistry();
        Set<String> builtIn = r.addBuiltIns();
        if (!Files.isDirectory(dir)) {
            return r;
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            r.problems.add("plugins.dir " + dir + " cannot be read (" + e.getMessage() + "); no plug-in is loaded;"
                    + " check its permissions");
            return r;
        }
        for (Path jar : jars) {
            r.addJar(jar, builtIn);
        }
        return r;
    }

    /** Adds the factories on the agent's own class path; returns their class names. */
    private Set<String> addBuiltIns() {
        Set<String> classes = new HashSet<>();
        for (UseCaseFactory f : ServiceLoader.load(UseCaseFactory.class, UseCaseRegistry.class.getClassLoader())) {
            classes.add(f.getClass().getName());
            add(f, "built in");
        }
        return classes;
    }

    private void addJar(Path jar, Set<String> builtIn) {
        String origin = jar.toString();
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("plugin " + jar.getFileName(), new URL[] {jar.toUri().toURL()},
                    UseCaseRegistry.class.getClassLoader());
        } catch (MalformedURLException e) {
            problems.add(origin + ": cannot be opened (" + e.getMessage() + "); it is left out");
            return;
        }
        int found = 0;
        Iterator<ServiceLoader.Provider<UseCaseFactory>> it = ServiceLoader.load(UseCaseFactory.class, loader)
                .stream().iterator();
        // a provider that fails is reported and skipped; the loader goes on to the next one (bounded, in case a
        // broken services file keeps failing at the same place)
        for (int attempts = 0; attempts < 1000; attempts++) {
            String className = null;
            try {
                if (!it.hasNext()) {
                    break;
                }
                ServiceLoader.Provider<UseCaseFactory> p = it.next();
                className = p.type().getName();
                if (builtIn.contains(className)) {
                    continue; // seen through the parent loader: not this jar's
                }
                add(p.get(), origin);
                found++;
            } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                problems.add(origin + ": a use-case factory" + (className == null ? "" : " (" + className + ")")
                        + " could not be loaded: " + cause(e) + "; it is left out (fix or remove the jar)");
            }
        }
        if (found == 0 && problems.stream().noneMatch(p -> p.startsWith(origin))) {
            problems.add(origin + ": has no use-case factory (no META-INF/services/"
                    + UseCaseFactory.class.getName() + " naming one); it is left out");
        }
    }

    private void add(UseCaseFactory f, String origin) {
        String type;
        try {
            type = f.type();
        } catch (RuntimeException | LinkageError e) {
            problems.add(origin + ": factory " + f.getClass().getName() + " does not say its type (" + cause(e)
                    + "); it is left out");
            return;
        }
        if (type == null || !TYPE.matcher(type).matches()) {
            problems.add(origin + ": factory " + f.getClass().getName() + " has the type '" + type + "', which is not"
                    + " a valid name (lower case letters, digits, _); it is left out");
            return;
        }
        Known before = types.get(type);
        if (before != null) {
            problems.add(origin + ": type '" + type + "' (" + f.getClass().getName() + ") is already known from "
                    + before.origin() + "; it is left out (give the plug-in's type another name)");
            return;
        }
        types.put(type, new Known(f, origin));
    }

    private static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return (root.getClass().getSimpleName() + (m == null ? "" : ": " + m)).replace('\n', ' ');
    }

    /** The factory of {@code type}, or null. */
    public Known find(String type) {
        return types.get(type);
    }

    /** Every known type, in the order found (built-in first). */
    public List<String> types() {
        return List.copyOf(types.keySet());
    }

    /** What could not be loaded, one line each (naming the jar and the fix); empty when everything loaded. */
    public List<String> problems() {
        return List.copyOf(problems);
    }
}
