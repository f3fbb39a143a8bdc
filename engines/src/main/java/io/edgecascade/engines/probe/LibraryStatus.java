package io.edgecascade.engines.probe;

/**
 * Whether a native library loads on this machine.
 *
 * @param name   the name asked for, e.g. {@code libnvinfer.so.10}
 * @param loaded true when the dynamic loader found and loaded it
 * @param detail the loader's error when it did not, else empty
 */
public record LibraryStatus(String name, boolean loaded, String detail) {

    public static LibraryStatus loaded(String name) {
        return new LibraryStatus(name, true, "");
    }

    public static LibraryStatus missing(String name, String detail) {
        return new LibraryStatus(name, false, detail == null ? "" : detail);
    }

    /**
     * The informative line of a loader error. JNA's reads "Unable to load library 'x':" and puts the dynamic
     * loader's reason ("x: cannot open shared object file: No such file or directory") on the next line.
     */
    public static String loaderReason(String message) {
        if (message == null || message.isBlank()) {
            return "not found";
        }
        java.util.List<String> lines = message.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (String l : lines) {
            if (l.contains("cannot open shared object") || l.contains("undefined symbol")
                    || l.contains("wrong ELF class") || l.contains("version `")) {
                return l;
            }
        }
        String first = lines.get(0);
        return first.endsWith(":") ? first.substring(0, first.length() - 1) : first;
    }
}
