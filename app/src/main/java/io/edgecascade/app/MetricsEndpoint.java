package io.edgecascade.app;

import io.edgecascade.app.cli.UserError;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.metrics.CascadeMetrics;
import io.edgecascade.cascade.metrics.ForwardMetrics;
import io.edgecascade.cascade.metrics.MetricsServer;
import io.edgecascade.cascade.metrics.MetricsSettings;
import io.edgecascade.cascade.metrics.ReadinessCheck;
import io.edgecascade.cascade.metrics.SinkMemoryMetrics;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.record.ClipMemory;
import io.edgecascade.jetson.TegraRelease;
import io.edgecascade.jetson.tegra.TegraMetrics;
import io.edgecascade.jetson.tegra.TegraStatsMonitor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The metrics endpoint of a run ({@code metrics.listen}): started before the model loads, so {@code /healthz}
 * answers at once and {@code /readyz} says what is still missing; closed when the run ends. With the endpoint
 * off every method is a no-op. On a Jetson it also runs {@code tegrastats} for the GPU, EMC and power-rail gauges.
 *
 * <p>For the cloud forwarder: pass {@link #forwardMetrics()} to it, and add its own readiness condition with
 * {@code start(..., extraChecks)} if it has one beyond what it reports (the built-in {@code cloud} check reads
 * {@code cloudUp} and {@code spoolAccepting}).
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final CascadeMetrics metrics;
    private final MetricsServer server;
    private final TegraStatsMonitor tegrastats;

    private MetricsEndpoint(CascadeMetrics metrics, MetricsServer server, TegraStatsMonitor tegrastats) {
        this.metrics = metrics;
        this.server = server;
        this.tegrastats = tegrastats;
    }

    /** Starts the endpoint the settings describe for these cameras, or an inactive one when disabled. */
    public static MetricsEndpoint start(MetricsSettings settings, List<CameraSettings> cameras, String version) {
        return start(settings, cameras, version, Map.of());
    }

    /** @param extraChecks readiness conditions added after model, cameras and cloud */
    public static MetricsEndpoint start(MetricsSettings settings, List<CameraSettings> cameras, String version,
            Map<String, ReadinessCheck> extraChecks) {
        if (!settings.enabled()) {
            return new MetricsEndpoint(null, null, null);
        }
        CascadeMetrics metrics = new CascadeMetrics(cameras.stream().map(CameraSettings::id).toList(), version);
        Map<String, ReadinessCheck> checks = new java.util.LinkedHashMap<>(metrics.readinessChecks());
        checks.putAll(extraChecks);
        MetricsServer server;
        try {
            server = MetricsServer.start(settings, metrics.registry(), checks);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
        return new MetricsEndpoint(metrics, server, jetsonGauges(metrics));
    }

    /** On a Jetson with tegrastats: its readings as gauges, once a second; else nothing. */
    private static TegraStatsMonitor jetsonGauges(CascadeMetrics metrics) {
        Optional<Path> tool = TegraStatsMonitor.find();
        if (TegraRelease.detect().isEmpty() || tool.isEmpty()) {
            return null;
        }
        try {
            return TegraStatsMonitor.start(List.of(tool.get().toString()), 1000,
                    new TegraMetrics(metrics.registry())::update);
        } catch (IOException e) {
            LoggerFactory.getLogger(MetricsEndpoint.class)
                    .warn("tegrastats did not start ({}): no Jetson GPU/power gauges on /metrics", e.getMessage());
            return null;
        }
    }

    /** Observers to hand to the cascade. */
    public List<PipelineObserver> observers() {
        return metrics == null ? List.of() : List.of(metrics);
    }

    /** What the forwarder reports to. */
    public ForwardMetrics forwardMetrics() {
        return metrics == null ? ForwardMetrics.NONE : metrics;
    }

    /** Reports the best frames kept for the page and the forwarder: their bytes and what they gave up. */
    public void watch(BestFrames bestFrames, List<String> cameraIds) {
        if (metrics != null) {
            SinkMemoryMetrics.bestFrames(metrics.registry(), cameraIds, bestFrames::bytes, bestFrames::dropped);
        }
    }

    /** Reports the live clips' memory: its bytes and the clips it cut or dropped. */
    public void watch(ClipMemory clips, List<String> cameraIds) {
        if (metrics != null) {
            SinkMemoryMetrics.clips(metrics.registry(), cameraIds, clips::bytes, clips::cut, clips::dropped);
        }
    }

    /** Connects the built cascade: its engine (the model is loaded now) and its queues. */
    public void attach(Cascade cascade) {
        if (metrics != null) {
            metrics.engine(cascade.engine());
            metrics.queueDepths(cascade::queueDepthsByCamera);
            metrics.sinkPixelBytes(cascade::sinkPixelBytes);
        }
    }

    /** The port bound, or -1 when the endpoint is off. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    @Override
    public void close() {
        if (tegrastats != null) {
            tegrastats.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
