package io.edgecascade.cascade.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's memory as the benchmark reports it: peak resident set (native buffers included) and JVM heap. */
final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /**
     * Peak resident set size in MB ({@code VmHWM} of {@code /proc/self/status}): what the process needed from
     * the machine at most, decoder and ONNX Runtime memory included. NaN where /proc is not available.
     */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring("VmHWM:".length()).replace("kB", "").trim();
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** Peak used JVM heap in MB: the sum of every heap pool's peak since the JVM started. */
    static double peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024.0 * 1024.0);
    }

    /** The heap limit ({@code -Xmx}) in MB. */
    static double maxHeapMb() {
        return Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0);
    }
}
