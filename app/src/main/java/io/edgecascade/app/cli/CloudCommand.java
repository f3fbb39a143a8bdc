package io.edgecascade.app.cli;

import io.edgecascade.cloud.CloudServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edge-cascade cloud --listen HOST:PORT --model NAME=PATH.onnx [--model ...] [--record FILE]}. */
@Command(name = "cloud", mixinStandardHelpOptions = true,
        description = {"Run the reference cloud model server: KServe v2 / Open Inference Protocol over gRPC,",
                "YOLOX ONNX models on ONNX Runtime. Accepts a JPEG/PNG as a BYTES input, UINT8 [1,H,W,3] BGR pixels or",
                "the model's FP32 [1,3,H,W] input; answers outputs boxes, scores, class_ids. Runs until SIGINT/SIGTERM."})
final class CloudCommand implements Callable<Integer> {

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9000",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0:PORT for every interface).")
    String listen;

    @Option(names = "--model", paramLabel = "NAME=PATH", required = true,
            description = "A model to serve under NAME (repeatable).")
    List<String> models;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Append the id of every inference request received to FILE, one per line.")
    Path record;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
            description = "Inference threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve TLS with this certificate (and --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's private key (PKCS#8 PEM).")
    Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "Require client certificates signed by this CA (mutual TLS).")
    Path tlsCa;

    @Option(names = "--authority", paramLabel = "HOST",
            description = "Answer only calls sent to this :authority (Host), as a KServe ingress that routes on the"
                    + " host name does; others get NOT_FOUND. Checks an agent's cloud.authority without a cluster.")
    String authority;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        LargeBlocks.mapOnTheirOwn(); // freed frames go back to the system (see there)
        int colon = listen.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new UserError("--listen '" + listen + "' is not HOST:PORT; e.g. 127.0.0.1:9000", UserError.USAGE, e);
        }
        if (colon < 1 || port < 0 || port > 65535) {
            throw new UserError("--listen '" + listen + "' is not HOST:PORT; e.g. 127.0.0.1:9000", UserError.USAGE,
                    null);
        }
        Map<String, Path> served = new LinkedHashMap<>();
        for (String m : models) {
            int eq = m.indexOf('=');
            if (eq < 1 || eq == m.length() - 1) {
                throw new UserError("--model '" + m + "' is not NAME=PATH; e.g. --model yolox=models/yolox_nano.onnx",
                        UserError.USAGE, null);
            }
            Path p = Path.of(m.substring(eq + 1));
            if (!Files.isRegularFile(p)) {
                throw new UserError("--model " + m.substring(0, eq) + ": file not found: " + p
                        + "; run 'edge-cascade models pull' or fix the path", UserError.USAGE, null);
            }
            if (served.put(m.substring(0, eq), p) != null) {
                throw new UserError("--model " + m.substring(0, eq) + " is given twice; model names must be unique",
                        UserError.USAGE, null);
            }
        }
        if (threads < 1) {
            throw new UserError("--threads must be at least 1", UserError.USAGE, null);
        }
        if ((tlsCert == null) != (tlsKey == null) || (tlsCa != null && tlsCert == null)) {
            throw new UserError("TLS needs --tls-cert and --tls-key together (--tls-ca only with them)",
                    UserError.USAGE, null);
        }
        CloudServer server;
        try {
            server = CloudServer.start(new CloudServer.Settings(listen.substring(0, colon), port, served, record,
                    threads, tlsCert, tlsKey, tlsCa).withAuthority(authority));
        } catch (IOException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("edge-cascade cloud: listening on " + listen.substring(0, colon) + ":" + server.port()
                + ", models " + String.join(", ", served.keySet()));
        out.flush();
        Thread hook = new Thread(server::close, "cloud-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        server.awaitTermination();
        return 0;
    }
}
