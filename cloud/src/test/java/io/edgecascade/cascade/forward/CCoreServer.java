package io.edgecascade.cascade.forward;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The KServe v2 echo server on C-core gRPC ({@code kserve/echo_server.py}, Debian's python3-grpcio), in its own
 * process: what Triton and OVMS are built on, with C-core's ping policy. Its Python stubs are generated from the
 * project's proto with grpc_tools (Debian's python3-grpc-tools) once per test run.
 */
final class CCoreServer implements AutoCloseable {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path PROTO_DIR = Path.of(System.getProperty("user.dir")).resolveSibling("cascade")
            .resolve("src/main/proto");
    private static Path stubs;

    private final Process process;
    private final int port;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    /** @param minPingIntervalMillis the server's {@code grpc.http2.min_ping_interval_without_data_ms}; null: default */
    CCoreServer(Integer minPingIntervalMillis) throws IOException, InterruptedException {
        Path stubDir = stubs();
        Path script = stubDir.resolve("echo_server.py");
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        if (minPingIntervalMillis != null) {
            cmd.add("--min-ping-interval-ms");
            cmd.add(minPingIntervalMillis.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", stubDir.toString());
        process = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("READY ")) {
            StringBuilder rest = new StringBuilder(String.valueOf(first));
            for (String l; (l = out.readLine()) != null;) {
                rest.append('\n').append(l);
            }
            fail("the C-core KServe server did not start (needs Debian's python3-grpcio and python3-grpc-tools, see"
                    + " .ci/run): " + rest);
        }
        port = Integer.parseInt(first.substring(6).trim());
        Thread drain = new Thread(() -> {
            try {
                for (String l; (l = out.readLine()) != null;) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // ended
            }
        }, "ccore-server-output");
        drain.setDaemon(true);
        drain.start();
    }

    /** Generates the Python stubs (once per test run, in target/) next to a copy of the server script. */
    private static synchronized Path stubs() throws IOException, InterruptedException {
        if (stubs != null) {
            return stubs;
        }
        if (!Files.isExecutable(PYTHON)) {
            fail("/usr/bin/python3 is missing: install python3-grpcio and python3-grpc-tools (see .ci/run)");
        }
        Path dir = Files.createDirectories(Path.of(System.getProperty("user.dir"), "target", "kserve-python"));
        try (InputStream in = CCoreServer.class.getResourceAsStream("/kserve/echo_server.py")) {
            Files.copy(in, dir.resolve("echo_server.py"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Process p = new ProcessBuilder(PYTHON.toString(), "-m", "grpc_tools.protoc", "-I" + PROTO_DIR,
                "--python_out=" + dir, "--grpc_python_out=" + dir, PROTO_DIR.resolve("grpc_predict_v2.proto")
                        .toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("grpc_tools.protoc failed (needs Debian's python3-grpc-tools, see .ci/run): " + out);
        }
        stubs = dir;
        return dir;
    }

    int port() {
        return port;
    }

    /** Streams the server saw open. */
    long streamsOpened() {
        return lines.stream().filter(l -> l.startsWith("STREAM OPEN")).count();
    }

    /** Streams the server saw end (the client ended them, or the connection closed). */
    long streamsEnded() {
        return lines.stream().filter(l -> l.startsWith("STREAM END")).count();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
