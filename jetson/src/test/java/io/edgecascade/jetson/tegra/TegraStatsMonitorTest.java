package io.edgecascade.jetson.tegra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor runs a command that prints tegrastats lines (a script replaying recorded ones, as tegrastats would
 * with --interval), skips a line it cannot read, and stops the command on close.
 */
class TegraStatsMonitorTest {

    @Test
    void feedsEachLineAndStopsTheProcessOnClose(@TempDir Path dir) throws Exception {
        List<String> recorded = TegraSampleTest.lines("orin-nano-jp6.txt");
        Path lines = Files.write(dir.resolve("lines.txt"),
                List.of(recorded.get(0), "NVPM WARN: something tegrastats might print", recorded.get(1)));
        Path args = dir.resolve("args.txt");
        Path script = Files.writeString(dir.resolve("tegrastats"),
                "echo \"$@\" > '" + args + "'\ncat '" + lines + "'\nexec sleep 60\n");
        List<TegraSample> samples = new CopyOnWriteArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        try (TegraStatsMonitor monitor = TegraStatsMonitor.start(List.of("sh", script.toString()), 500, s -> {
            samples.add(s);
            two.countDown();
        })) {
            assertTrue(two.await(20, TimeUnit.SECONDS), "samples: " + samples);
            assertTrue(monitor.running());
            assertEquals("--interval 500", Files.readString(args).strip());
            assertEquals(37.0, samples.get(0).gpuLoad().orElseThrow());
            assertEquals(41.0, samples.get(1).gpuLoad().orElseThrow());
            monitor.close();
            assertFalse(monitor.running(), "tegrastats still runs after close");
        }
        assertEquals(2, samples.size());
    }
}
