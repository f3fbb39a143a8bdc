package io.edgecascade.cascade.forward;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how positives are forwarded ({@code cloud:} in the config).
 *
 * @param url          {@code host:port}, {@code grpc://host:port} or {@code grpcs://host:port} (TLS)
 * @param model        the model name on the server
 * @param version      the model version, or empty for the server's choice
 * @param input        {@code binary}: the frame as a JPEG BYTES tensor; {@code tensor}: raw pixels shaped as the
 *                     model's metadata asks
 * @param jpegQuality  1..100
 * @param inflight     requests on the wire at once
 * @param deadline     per request
 * @param retries      failed requests in a row that are retried after a growing backoff before the circuit opens
 * @param backoff      first backoff step
 * @param maxBackoff   longest backoff (also the longest the circuit stays open between probes)
 * @param drain        how long the end of a run waits for the spool to empty
 * @param resultsPath  JSON lines of the cloud's answers, or null
 * @param tlsCa        CA certificate (PEM) to trust, or null for the system's
 * @param tlsCert      client certificate (PEM) for mutual TLS, or null
 * @param tlsKey       its private key (PKCS#8 PEM), or null
 * @param mode         which RPC carries the frames
 * @param keepalive    HTTP/2 ping interval while a call is open and nothing is read ({@link Duration#ZERO}: no
 *                     pings); at least {@link #MIN_KEEPALIVE} otherwise
 * @param maxAttempts  failed attempts after which a record goes to the dead-letter folder (0: no limit; a status that
 *                     can never succeed sends it there at once)
 * @param authority    the HTTP/2 {@code :authority} (Host) to send instead of the url's {@code host:port}, for a
 *                     KServe/Knative/Istio ingress that routes on it (also the name TLS checks), or null
 */
public record CloudSettings(String url, String model, String version, InputMode input, int jpegQuality, int inflight,
        Duration deadline, int retries, Duration backoff, Duration maxBackoff, Duration drain, Path resultsPath,
        Path tlsCa, Path tlsCert, Path tlsKey, Mode mode, Duration keepalive, int maxAttempts, String authority) {

    /**
     * Default ping interval: C-core gRPC servers (Triton, OVMS, Python grpcio) allow a ping at most every 5 minutes
     * on a connection that carries no data ({@code grpc.http2.min_ping_interval_without_data_ms}) and close it with
     * GOAWAY {@code too_many_pings} after the third early one; 5.5 minutes keeps a margin, and stays under the
     * 350 s idle timeout of common NAT gateways.
     */
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(330);
    /** gRPC-Java raises a shorter interval to this. */
    public static final Duration MIN_KEEPALIVE = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_ATTEMPTS = 10;

    /**
     * Which RPC carries the frames. {@code UNARY}: one ModelInfer call per frame, one per camera on the wire (the
     * next frame of a camera goes when the previous one was answered). {@code STREAM}: one ModelStreamInfer
     * stream for all cameras, up to {@code inflight} frames per camera on it at once, in order.
     */
    public enum Mode {
        UNARY, STREAM;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** No authority override (the url's {@code host:port} is sent). */
    public CloudSettings(String url, String model, String version, InputMode input, int jpegQuality, int inflight,
            Duration deadline, int retries, Duration backoff, Duration maxBackoff, Duration drain, Path resultsPath,
            Path tlsCa, Path tlsCert, Path tlsKey, Mode mode, Duration keepalive, int maxAttempts) {
        this(url, model, version, input, jpegQuality, inflight, deadline, retries, backoff, maxBackoff, drain,
                resultsPath, tlsCa, tlsCert, tlsKey, mode, keepalive, maxAttempts, null);
    }

    /** Unary mode, the default keepalive and attempts (the settings before {@code cloud.mode} existed). */
    public CloudSettings(String url, String model, String version, InputMode input, int jpegQuality, int inflight,
            Duration deadline, int retries, Duration backoff, Duration maxBackoff, Duration drain, Path resultsPath,
            Path tlsCa, Path tlsCert, Path tlsKey) {
        this(url, model, version, input, jpegQuality, inflight, deadline, retries, backoff, maxBackoff, drain,
                resultsPath, tlsCa, tlsCert, tlsKey, Mode.UNARY, DEFAULT_KEEPALIVE, DEFAULT_MAX_ATTEMPTS);
    }

    /** A copy sending over {@code m}. */
    public CloudSettings withMode(Mode m) {
        return new CloudSettings(url, model, version, input, jpegQuality, inflight, deadline, retries, backoff,
                maxBackoff, drain, resultsPath, tlsCa, tlsCert, tlsKey, m, keepalive, maxAttempts, authority);
    }

    /** A copy pinging every {@code interval} ({@link Duration#ZERO}: never). */
    public CloudSettings withKeepalive(Duration interval) {
        return new CloudSettings(url, model, version, input, jpegQuality, inflight, deadline, retries, backoff,
                maxBackoff, drain, resultsPath, tlsCa, tlsCert, tlsKey, mode, interval, maxAttempts, authority);
    }

    /** A copy giving a record up after {@code n} failed attempts (0: never for that reason). */
    public CloudSettings withMaxAttempts(int n) {
        return new CloudSettings(url, model, version, input, jpegQuality, inflight, deadline, retries, backoff,
                maxBackoff, drain, resultsPath, tlsCa, tlsCert, tlsKey, mode, keepalive, n, authority);
    }

    /** A copy waiting up to {@code d} at the end of a run for the spool to empty. */
    public CloudSettings withDrain(Duration d) {
        return new CloudSettings(url, model, version, input, jpegQuality, inflight, deadline, retries, backoff,
                maxBackoff, d, resultsPath, tlsCa, tlsCert, tlsKey, mode, keepalive, maxAttempts, authority);
    }

    /** A copy that sends {@code a} as the {@code :authority} (null: the url's {@code host:port}). */
    public CloudSettings withAuthority(String a) {
        return new CloudSettings(url, model, version, input, jpegQuality, inflight, deadline, retries, backoff,
                maxBackoff, drain, resultsPath, tlsCa, tlsCert, tlsKey, mode, keepalive, maxAttempts, a);
    }

    /** How a frame travels. */
    public enum InputMode {
        BINARY, TENSOR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CloudSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(model, "model");
        version = version == null ? "" : version;
        Objects.requireNonNull(input, "input");
        mode = mode == null ? Mode.UNARY : mode;
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("jpegQuality must be 1..100");
        }
        if (inflight < 1) {
            throw new IllegalArgumentException("inflight must be at least 1");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("tls cert and key go together");
        }
        keepalive = keepalive == null ? DEFAULT_KEEPALIVE : keepalive;
        if (!keepalive.isZero() && keepalive.compareTo(MIN_KEEPALIVE) < 0) {
            throw new IllegalArgumentException("keepalive must be 0 (off) or at least " + MIN_KEEPALIVE.toSeconds()
                    + " s");
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be 0 (no limit) or more");
        }
    }

    /** Sensible values for everything but where to send. */
    public static CloudSettings defaults(String url, String model) {
        return new CloudSettings(url, model, "", InputMode.BINARY, 90, 4, Duration.ofSeconds(10), 3,
                Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30), null, null, null, null);
    }

    /** A copy sending to another address (an embedded server's real port). */
    public CloudSettings withUrl(String newUrl) {
        return new CloudSettings(newUrl, model, version, input, jpegQuality, inflight, deadline, retries, backoff,
                maxBackoff, drain, resultsPath, tlsCa, tlsCert, tlsKey, mode, keepalive, maxAttempts, authority);
    }

    /** True when the channel uses TLS. */
    public boolean tls() {
        return url.startsWith("grpcs://") || url.startsWith("https://") || tlsCa != null || tlsCert != null;
    }

    /** {@code host:port} without a scheme. */
    public String target() {
        int i = url.indexOf("://");
        String t = i < 0 ? url : url.substring(i + 3);
        return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }
}
