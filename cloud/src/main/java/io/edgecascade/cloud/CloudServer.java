package io.edgecascade.cloud;

import io.edgecascade.engines.EngineException;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference cloud side: a KServe v2 gRPC server ({@code inference.GRPCInferenceService}) running YOLOX ONNX
 * models on ONNX Runtime. {@code edge-cascade cloud} runs one; {@code cloud.url: embedded} runs one inside the
 * agent. Lifecycle: {@link #start}, {@link #port()}, {@link #close()} (finishes the requests it accepted).
 */
public final class CloudServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CloudServer.class);

    /**
     * @param host    address to listen on (127.0.0.1 for loopback only)
     * @param port    0 for any free port
     * @param models  name to ONNX file, in the order they are listed
     * @param record  file to append every received request id to, or null
     * @param threads inference threads (and ONNX Runtime threads per model)
     * @param tlsCert server certificate (PEM) to serve TLS, or null for plaintext
     * @param tlsKey  its private key (PKCS#8 PEM), or null
     * @param tlsCa   CA (PEM) that client certificates must chain to (mutual TLS), or null
     * @param authority answer only calls sent to this {@code :authority} (Host), as an ingress that routes on
     *                the host name does (others: NOT_FOUND), or null to answer every call
     */
    public record Settings(String host, int port, Map<String, Path> models, Path record, int threads, Path tlsCert,
            Path tlsKey, Path tlsCa, String authority) {

        /** Plaintext. */
        public Settings(String host, int port, Map<String, Path> models, Path record, int threads) {
            this(host, port, models, record, threads, null, null, null, null);
        }

        /** Every authority answered. */
        public Settings(String host, int port, Map<String, Path> models, Path record, int threads, Path tlsCert,
                Path tlsKey, Path tlsCa) {
            this(host, port, models, record, threads, tlsCert, tlsKey, tlsCa, null);
        }

        /** A copy that answers only calls sent to {@code a}. */
        public Settings withAuthority(String a) {
            return new Settings(host, port, models, record, threads, tlsCert, tlsKey, tlsCa, a);
        }

        public Settings {
            if ((tlsCert == null) != (tlsKey == null) || (tlsCa != null && tlsCert == null)) {
                throw new IllegalArgumentException("TLS needs a certificate and its key (and optionally a CA)");
            }
            models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
            if (models.isEmpty()) {
                throw new IllegalArgumentException("no models");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
        }
    }

    /**
     * How requests are answered.
     *
     * @param delay answer this long after the answer is ready (a scheduled task, no thread sleeps or spins)
     * @param echo  answer with no detections without running the model (measures the client, not the server)
     * @param fault the status to fail a request with instead of answering it (null or OK: answer), e.g. an
     *              INTERNAL error for one request id, to test what a client does with a request that always fails
     */
    public record Answering(java.time.Duration delay, boolean echo,
            java.util.function.Function<io.edgecascade.cascade.kserve.ModelInferRequest, io.grpc.Status> fault) {
        public static final Answering NORMAL = new Answering(java.time.Duration.ZERO, false);

        public Answering(java.time.Duration delay, boolean echo) {
            this(delay, echo, null);
        }
    }

    private final Server server;
    private final ExecutorService workers;
    private final Map<String, ServedModel> models;
    private final BufferedWriter record;
    private final InferenceService service;
    private final EventLoopGroup boss;
    private final EventLoopGroup network;

    private CloudServer(Server server, ExecutorService workers, Map<String, ServedModel> models, BufferedWriter record,
            InferenceService service, EventLoopGroup boss, EventLoopGroup network) {
        this.server = server;
        this.workers = workers;
        this.models = models;
        this.record = record;
        this.service = service;
        this.boss = boss;
        this.network = network;
    }

    /**
     * Loads every model and starts listening.
     *
     * @throws IOException with a message naming the problem (model, port, record file) and the fix
     */
    public static CloudServer start(Settings settings) throws IOException {
        return start(settings, Answering.NORMAL);
    }

    /**
     * A server that answers as {@code answering} says: for benchmarks of the forwarder, an echo (no detector run,
     * no CPU) after a fixed delay (a WAN round trip without a network emulator).
     */
    public static CloudServer start(Settings settings, Answering answering) throws IOException {
        Map<String, ServedModel> models = new LinkedHashMap<>();
        BufferedWriter record = null;
        ExecutorService workers = null;
        // the server's own event loops, ended by close(): gRPC's shared ones linger a second after the server, and
        // a thread waiting in epoll when the process exits holds the JVM's exit ~300 ms (the embedded server)
        EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("cloud-netty-accept", true));
        EventLoopGroup network = new NioEventLoopGroup(0, new DefaultThreadFactory("cloud-netty", true));
        try {
            for (var m : settings.models().entrySet()) {
                try {
                    models.put(m.getKey(), ServedModel.load(m.getKey(), m.getValue(), settings.threads()));
                } catch (EngineException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
            if (settings.record() != null) {
                try {
                    Path parent = settings.record().toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    record = Files.newBufferedWriter(settings.record(), StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    throw new IOException("cannot write the record file " + settings.record() + " ("
                            + e.getMessage() + "); choose a writable --record path", e);
                }
            }
            AtomicInteger n = new AtomicInteger();
            workers = Executors.newFixedThreadPool(settings.threads(), r -> {
                Thread t = new Thread(r, "cloud-infer-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            InferenceService service = new InferenceService(models, workers, record, answering);
            // directExecutor: calls are taken in the order they arrive on the connection, so the record keeps
            // that order; the inference itself runs on the worker pool.
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()),
                            credentials(settings))
                    .bossEventLoopGroup(boss).workerEventLoopGroup(network)
                    .channelType(NioServerSocketChannel.class)
                    .withOption(ChannelOption.SO_REUSEADDR, true)
                    .directExecutor()
                    .maxInboundMessageSize(64 << 20)
                    .addService(settings.authority() == null ? service.bindService()
                            : ServerInterceptors.intercept(service, new AuthorityRoute(settings.authority())))
                    .build();
            try {
                server.start();
            } catch (IOException e) {
                try {
                    service.closeRecorder();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("cannot listen on " + settings.host() + ":" + settings.port() + " ("
                        + rootMessage(e) + "); choose a free port with --listen", e);
            }
            LOG.info("cloud server: KServe v2 gRPC on {}:{}, models {}{}", settings.host(), server.getPort(),
                    models.keySet(), settings.authority() == null ? "" : ", for authority " + settings.authority());
            return new CloudServer(server, workers, models, record, service, boss, network);
        } catch (IOException | RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            network.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            models.values().forEach(ServedModel::close);
            if (workers != null) {
                workers.shutdownNow();
            }
            if (record != null) {
                record.close();
            }
            throw e;
        }
    }

    private static ServerCredentials credentials(Settings s) throws IOException {
        if (s.tlsCert() == null) {
            return InsecureServerCredentials.create();
        }
        try {
            TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder()
                    .keyManager(s.tlsCert().toFile(), s.tlsKey().toFile());
            if (s.tlsCa() != null) {
                b.trustManager(s.tlsCa().toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("cannot load the TLS files (" + e.getMessage() + "); give a PEM certificate, its"
                    + " PKCS#8 PEM key and optionally a PEM CA for client certificates", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** The port it listens on (the real one when started with port 0). */
    public int port() {
        return server.getPort();
    }

    /** Inference requests received so far. */
    public long received() {
        return service.received();
    }

    /** Blocks until the server stops. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Ends the network threads once the transports are gone (a few milliseconds; at most 5 s). */
    private void endEventLoops() {
        var accept = boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        var io = network.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        if (!accept.awaitUninterruptibly(5, TimeUnit.SECONDS) || !io.awaitUninterruptibly(5, TimeUnit.SECONDS)) {
            LOG.warn("cloud server: its network threads did not end within 5 s");
        }
    }

    /** Stops taking calls, finishes the ones accepted (up to 10 s), frees the models. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        endEventLoops();
        try {
            service.closeRecorder();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        models.values().forEach(ServedModel::close);
        if (record != null) {
            synchronized (record) {
                try {
                    record.close();
                } catch (IOException e) {
                    LOG.warn("closing the record file failed: {}", e.getMessage());
                }
            }
        }
    }

    @Override
    public String toString() {
        return "cloud server on port " + port();
    }
}
