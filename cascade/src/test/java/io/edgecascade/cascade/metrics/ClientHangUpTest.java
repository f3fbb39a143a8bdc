package io.edgecascade.cascade.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgecascade.cascade.testing.Http;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A scraper that hangs up in the middle of a {@code /metrics} answer (a timeout, a restart, a probe that reads the
 * status line only) is not the agent's problem: at most a debug line, never a stack trace.
 *
 * <p>Defect (chaos soak, issue 17 follow-up): the Prometheus client's handler logged every such hang-up through
 * java.util.logging at SEVERE with two stack traces ("The Prometheus metrics HTTPServer caught an Exception while
 * trying to send the metrics response", a broken pipe / connection reset), which the agent bridges into its log as
 * ERROR. Failed before: a SEVERE record with a thrown IOException per hang-up.
 */
class ClientHangUpTest {

    private MetricsServer server;
    private final List<LogRecord> jul = Collections.synchronizedList(new ArrayList<>());
    private final Handler julHandler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            jul.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Logger ours;
    private Level oursBefore;

    @BeforeEach
    void start() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Gauge g = Gauge.builder().name("edge_cascade_test_big").help("makes the answer large").labelNames("i")
                .register(registry);
        for (int i = 0; i < 20_000; i++) { // about a MB of text: far more than the socket buffers hold
            g.labelValues("label-value-number-" + i).set(i);
        }
        server = MetricsServer.start(MetricsSettings.parse("127.0.0.1:0"), registry, Map.of());
        java.util.logging.Logger.getLogger("").addHandler(julHandler);
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        ours = (Logger) LoggerFactory.getLogger(MetricsServer.class);
        oursBefore = ours.getLevel();
        ours.setLevel(Level.DEBUG); // even at debug: no stack trace
    }

    @AfterEach
    void stop() {
        java.util.logging.Logger.getLogger("").removeHandler(julHandler);
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        ours.setLevel(oursBefore);
        server.close();
    }

    /** Sends a scrape, reads the start of the answer, and resets the connection (SO_LINGER 0: an RST). */
    private void hangUpMidAnswer() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoLinger(true, 0);
            s.setReceiveBufferSize(4096);
            OutputStream out = s.getOutputStream();
            out.write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] start = in.readNBytes(12);
            assertEquals("HTTP/1.1 200", new String(start, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aScraperHangingUpMidAnswerLogsNoStackTraceAndTheServerGoesOn() throws Exception {
        int hangUps = 10;
        for (int i = 0; i < hangUps; i++) {
            hangUpMidAnswer();
        }
        // the server answers the next scrape in full: it also tells us the hang-ups were all handled
        HttpResponse<String> r = Http.get("http://127.0.0.1:" + server.port() + "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("edge_cascade_test_big{i=\"label-value-number-19999\"} 19999.0"));

        List<String> traces = new ArrayList<>();
        synchronized (jul) {
            for (LogRecord rec : jul) {
                if (rec.getThrown() != null || rec.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    traces.add("JUL " + rec.getLevel() + " " + rec.getLoggerName() + ": " + rec.getMessage() + " "
                            + rec.getThrown());
                }
            }
        }
        for (ILoggingEvent e : List.copyOf(logs.list)) {
            if (e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.WARN)) {
                traces.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage() + " "
                        + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getClassName()));
            }
        }
        assertEquals(List.of(), traces, "a client going away is worth a debug line at most, never a stack trace");
        long lines = logs.list.stream().filter(e -> e.getLoggerName().equals(MetricsServer.class.getName())
                && e.getLevel() == Level.DEBUG).count();
        assertTrue(lines <= hangUps, "at most one debug line per hang-up: " + lines);
    }
}
