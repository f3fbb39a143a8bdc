package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 17, item 11: gRPC logs through java.util.logging; its warnings (a GOAWAY too_many_pings) reached stderr as
 * raw two-line JUL records outside the agent's log format. The command line bridges JUL into SLF4J at start-up.
 * Failed before: the record went to JUL's console handler (on stderr) and never reached logback.
 */
class JulBridgeTest {

    @Test
    void aJavaUtilLoggingWarningComesOutThroughTheAgentsLog() {
        assertEquals(0, Cli.run("--version").exitCode());
        String name = "io.grpc.netty.shaded.io.grpc.netty.NettyClientHandler";
        ch.qos.logback.classic.Logger target = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        target.addAppender(seen);
        PrintStream err = System.err;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        System.setErr(new PrintStream(raw, true, StandardCharsets.UTF_8));
        try {
            java.util.logging.Logger.getLogger(name).log(java.util.logging.Level.WARNING,
                    "Received GOAWAY with ENHANCE_YOUR_CALM. Debug data: {0}", "too_many_pings");
            java.util.logging.Logger.getLogger(name).fine("not printed at INFO");
        } finally {
            System.setErr(err);
            target.detachAppender(seen);
        }
        List<ILoggingEvent> events = seen.list;
        assertEquals(1, events.size(), events.toString());
        assertEquals(Level.WARN, events.get(0).getLevel());
        assertEquals("Received GOAWAY with ENHANCE_YOUR_CALM. Debug data: too_many_pings",
                events.get(0).getFormattedMessage());
        String stderr = raw.toString(StandardCharsets.UTF_8);
        assertFalse(stderr.contains("WARNING: Received GOAWAY"), "no raw JUL record: " + stderr);
        assertTrue(stderr.isEmpty() || stderr.contains("WARN "), "only the agent's own format: " + stderr);
    }
}
