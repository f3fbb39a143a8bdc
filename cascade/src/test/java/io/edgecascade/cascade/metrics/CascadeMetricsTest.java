package io.edgecascade.cascade.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.LookSkip;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.Stage;
import io.edgecascade.cascade.testing.Promtool;
import io.edgecascade.cascade.testing.Scrape;
import io.edgecascade.engines.EngineInfo;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CascadeMetricsTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);

    private CascadeMetrics metrics(boolean jvm, String... cameras) {
        return new CascadeMetrics(List.of(cameras), "1.2.3", new PrometheusRegistry(), Duration.ofSeconds(10),
                clock::get, jvm);
    }

    private static Scrape scrape(CascadeMetrics m) throws IOException {
        return Scrape.of(m.registry());
    }

    @Test
    void everyCameraSeriesExistsAtZeroBeforeTheFirstFrame() throws IOException {
        Scrape s = scrape(metrics(false, "lobby", "yard"));
        for (String camera : List.of("lobby", "yard")) {
            for (Outcome o : Outcome.values()) {
                assertEquals(0.0, s.value("edge_cascade_frames_total{camera=\"" + camera + "\",outcome=\""
                        + o.label() + "\"}"), o.label());
            }
            for (Stage st : Stage.values()) {
                assertEquals(0.0, s.value("edge_cascade_stage_duration_seconds_count{camera=\"" + camera
                        + "\",stage=\"" + st.label() + "\"}"), st.label());
            }
            assertEquals(0.0, s.value("edge_cascade_camera_up{camera=\"" + camera + "\"}"));
            assertEquals(0.0, s.value("edge_cascade_camera_fps{camera=\"" + camera + "\"}"));
        }
        assertEquals(1.0, s.value("edge_cascade_build_info{version=\"1.2.3\"}"));
    }

    /** Issue 17: per-frame failures by camera and stage, restarts by stage, frames a full sink queue skipped. */
    @Test
    void theFailureModelHasItsSeries() throws IOException {
        CascadeMetrics m = metrics(false, "lobby");
        Scrape before = scrape(m);
        for (String stage : List.of("decode", "capture", "detector", "tracking")) {
            assertEquals(0.0, before.value("edge_cascade_errors_total{camera=\"lobby\",stage=\"" + stage + "\"}"),
                    stage + " exists at 0 before the first failure");
        }
        m.error("lobby", "detector");
        m.error("lobby", "detector");
        m.error("lobby", "sink_event_log");
        m.restarted("detector");
        m.sinkDropped("lobby", "event_store");
        Scrape s = scrape(m);
        assertEquals(2.0, s.value("edge_cascade_errors_total{camera=\"lobby\",stage=\"detector\"}"));
        assertEquals(1.0, s.value("edge_cascade_errors_total{camera=\"lobby\",stage=\"sink_event_log\"}"));
        assertEquals(1.0, s.value("edge_cascade_stage_restarts_total{stage=\"detector\"}"));
        assertEquals(1.0, s.value("edge_cascade_sink_dropped_total{camera=\"lobby\",sink=\"event_store\"}"));
    }

    @Test
    void observationsMoveTheirSeries() throws IOException {
        CascadeMetrics m = metrics(false, "lobby");
        m.cameraState("lobby", true);
        for (int i = 0; i < 30; i++) {
            clock.addAndGet(SECOND / 10);
            m.frame("lobby", Outcome.DECODED);
            m.stage("lobby", Stage.DECODE, 2_000_000); // 2 ms
        }
        m.frame("lobby", Outcome.DETECTED);
        m.stage("lobby", Stage.INFERENCE, 30_000_000); // 30 ms
        Scrape s = scrape(m);
        assertEquals(30.0, s.value("edge_cascade_frames_total{camera=\"lobby\",outcome=\"decoded\"}"));
        assertEquals(1.0, s.value("edge_cascade_frames_total{camera=\"lobby\",outcome=\"detected\"}"));
        assertEquals(30.0, s.value("edge_cascade_stage_duration_seconds_count{camera=\"lobby\",stage=\"decode\"}"));
        assertEquals(0.06, s.value("edge_cascade_stage_duration_seconds_sum{camera=\"lobby\",stage=\"decode\"}"),
                1e-9);
        assertEquals(0.0, s.value(
                "edge_cascade_stage_duration_seconds_bucket{camera=\"lobby\",stage=\"decode\",le=\"0.001\"}"));
        assertEquals(30.0, s.value(
                "edge_cascade_stage_duration_seconds_bucket{camera=\"lobby\",stage=\"decode\",le=\"0.0025\"}"));
        assertEquals(1.0, s.value(
                "edge_cascade_stage_duration_seconds_bucket{camera=\"lobby\",stage=\"inference\",le=\"0.05\"}"));
        assertEquals(1.0, s.value("edge_cascade_camera_up{camera=\"lobby\"}"));
        assertEquals(10.0, s.value("edge_cascade_camera_fps{camera=\"lobby\"}"), 0.5);
        m.cameraState("lobby", false);
        assertEquals(0.0, scrape(m).value("edge_cascade_camera_up{camera=\"lobby\"}"));
    }

    /** Issue 21: the detector's looks per camera per second, and the looks its tracked objects saved, by reason. */
    @Test
    void looksPerSecondAndSkippedLooksByReason() throws IOException {
        CascadeMetrics m = metrics(false, "lobby");
        Scrape before = scrape(m);
        for (LookSkip w : LookSkip.values()) {
            assertEquals(0.0, before.value("edge_cascade_looks_skipped_total{camera=\"lobby\",reason=\"" + w.label()
                    + "\"}"), w.label() + " exists at 0");
        }
        for (int i = 0; i < 40; i++) { // 4 s at 10 fps, a look every other frame
            clock.addAndGet(SECOND / 10);
            m.frame("lobby", Outcome.DECODED);
            if (i % 2 == 0) {
                m.frame("lobby", Outcome.DETECTED);
            } else {
                m.lookSkipped("lobby", i % 4 == 1 ? LookSkip.EXPLAINED_BY_TRACKS : LookSkip.TRACKS_NOT_DUE);
            }
        }
        m.lookSkipped("lobby", LookSkip.REGION_ONLY);
        Scrape s = scrape(m);
        assertEquals(5.0, s.value("edge_cascade_looks_per_second{camera=\"lobby\"}"), 0.5);
        assertEquals(10.0, s.value("edge_cascade_looks_skipped_total{camera=\"lobby\",reason=\"explained_by_tracks\"}"));
        assertEquals(10.0, s.value("edge_cascade_looks_skipped_total{camera=\"lobby\",reason=\"tracks_not_due\"}"));
        assertEquals(1.0, s.value("edge_cascade_looks_skipped_total{camera=\"lobby\",reason=\"region_only\"}"));
    }

    @Test
    void queueDepthsAndEngineComeFromWhatTheyAreAttachedTo() throws IOException {
        CascadeMetrics m = metrics(false, "lobby");
        assertFalse(scrape(m).hasMetricStartingWith("edge_cascade_engine_info"));
        m.engine(new EngineInfo("onnxruntime-cpu", "cpu", "fp32", "yolox_nano.onnx"));
        m.queueDepths(() -> Map.of("lobby", Map.of("detector", 3, "output", 1)));
        Scrape s = scrape(m);
        assertEquals(1.0, s.value("edge_cascade_engine_info{device=\"cpu\",engine=\"onnxruntime-cpu\","
                + "model=\"yolox_nano.onnx\",precision=\"fp32\"}"));
        assertEquals(3.0, s.value("edge_cascade_queue_depth{camera=\"lobby\",queue=\"detector\"}"));
        assertEquals(1.0, s.value("edge_cascade_queue_depth{camera=\"lobby\",queue=\"output\"}"));
    }

    @Test
    void batchSizesShowWhetherBatchingHappens() throws IOException {
        CascadeMetrics m = metrics(false, "lobby");
        assertFalse(scrape(m).hasMetricStartingWith("edge_cascade_detector_batch_images_count"),
                "no series before a batch runs (pipeline.batch 1 runs none)");
        m.detectorBatch(4, 4);
        m.detectorBatch(3, 4);
        m.detectorBatch(1, 4);
        Scrape s = scrape(m);
        assertEquals(3.0, s.value("edge_cascade_detector_batch_images_count{batch=\"4\"}"));
        assertEquals(8.0, s.value("edge_cascade_detector_batch_images_sum{batch=\"4\"}"), "mean fill 8/3");
        assertEquals(1.0, s.value("edge_cascade_detector_batch_images_bucket{batch=\"4\",le=\"1.0\"}"));
        assertEquals(1.0, s.value("edge_cascade_detector_batch_images_bucket{batch=\"4\",le=\"2.0\"}"));
        assertEquals(2.0, s.value("edge_cascade_detector_batch_images_bucket{batch=\"4\",le=\"3.0\"}"));
        assertEquals(3.0, s.value("edge_cascade_detector_batch_images_bucket{batch=\"4\",le=\"4.0\"}"));
    }

    @Test
    void detectEntryRunsAndUseCaseCountsHaveTheirSeries() throws IOException {
        CascadeMetrics m = metrics(false, "lobby");
        m.modelRun("lobby", "people");
        m.modelRun("lobby", "people");
        m.modelRun("lobby", "vehicles");
        m.useCaseCounts(() -> Map.of("lobby", Map.of("door", Map.of("forward", 2L, "backward", 5L))));
        Scrape s = scrape(m);
        assertEquals(2.0, s.value("edge_cascade_model_runs_total{camera=\"lobby\",model=\"people\"}"));
        assertEquals(1.0, s.value("edge_cascade_model_runs_total{camera=\"lobby\",model=\"vehicles\"}"));
        String door = "edge_cascade_use_case_count{camera=\"lobby\",key=\"%s\",use_case=\"door\"}";
        assertEquals(5.0, s.value(door.formatted("backward")));
        assertEquals(2.0, s.value(door.formatted("forward")));
    }

    @Test
    void forwardSeriesAppearWhenTheForwarderFirstReports() throws IOException {
        CascadeMetrics m = metrics(false, "lobby", "yard");
        Scrape before = scrape(m);
        assertFalse(before.hasMetricStartingWith("edge_cascade_forward_total"));
        assertFalse(before.hasMetricStartingWith("edge_cascade_cloud_up"));
        assertFalse(before.hasMetricStartingWith("edge_cascade_spool_bytes"));

        ForwardMetrics f = m;
        f.cloudUp(false);
        f.forwarded("lobby", ForwardResult.SPOOLED);
        f.forwarded("lobby", ForwardResult.SPOOLED);
        f.spoolBytes(123_456);
        Scrape s = scrape(m);
        assertEquals(2.0, s.value("edge_cascade_forward_total{camera=\"lobby\",result=\"spooled\"}"));
        assertEquals(0.0, s.value("edge_cascade_forward_total{camera=\"yard\",result=\"acked\"}"));
        assertEquals(0.0, s.value("edge_cascade_forward_total{camera=\"yard\",result=\"evicted\"}"));
        assertEquals(0.0, s.value("edge_cascade_cloud_up"));
        assertEquals(123_456.0, s.value("edge_cascade_spool_bytes"));
        f.cloudUp(true);
        f.forwarded("lobby", ForwardResult.ACKED);
        Scrape after = scrape(m);
        assertEquals(1.0, after.value("edge_cascade_cloud_up"));
        assertEquals(1.0, after.value("edge_cascade_forward_total{camera=\"lobby\",result=\"acked\"}"));
    }

    @Test
    void camerasAreReadyOnlyWhileDeliveringFrames() {
        CascadeMetrics m = metrics(false, "lobby", "yard");
        ReadinessCheck cameras = m.camerasCheck();
        ReadinessCheck.Result r = cameras.check();
        assertFalse(r.ok());
        assertTrue(r.detail().contains("lobby: not started"), r.detail());

        m.cameraState("lobby", true);
        m.cameraState("yard", true);
        m.frame("lobby", Outcome.DECODED);
        m.frame("yard", Outcome.DECODED);
        assertTrue(cameras.check().ok(), cameras.check().detail());
        assertEquals("2 cameras delivering", cameras.check().detail());

        clock.addAndGet(8 * SECOND);
        m.frame("lobby", Outcome.DECODED);
        clock.addAndGet(3 * SECOND); // yard: 11 s without a frame
        r = cameras.check();
        assertFalse(r.ok());
        assertEquals("yard: no frame for 11 s", r.detail());

        m.frame("yard", Outcome.DECODED);
        assertTrue(cameras.check().ok());
        m.cameraState("lobby", false);
        r = cameras.check();
        assertFalse(r.ok());
        assertEquals("lobby: source stopped", r.detail());
    }

    @Test
    void modelIsReadyOnceTheEngineIsKnown() {
        CascadeMetrics m = metrics(false, "lobby");
        assertFalse(m.modelCheck().check().ok());
        m.engine(new EngineInfo("onnxruntime-cpu", "cpu", "fp32", "yolox_nano.onnx"));
        assertTrue(m.modelCheck().check().ok());
        assertEquals("yolox_nano.onnx on onnxruntime-cpu", m.modelCheck().check().detail());
    }

    @Test
    void cloudIsReadyWithoutForwarderWhenReachableOrWhileTheSpoolAccepts() {
        CascadeMetrics m = metrics(false, "lobby");
        ReadinessCheck cloud = m.cloudCheck();
        assertEquals(ReadinessCheck.Result.ok("no forwarder"), cloud.check());
        m.cloudUp(false);
        assertEquals(ReadinessCheck.Result.ok("unreachable, spooling"), cloud.check());
        m.spoolAccepting(false);
        assertFalse(cloud.check().ok());
        m.cloudUp(true);
        assertEquals(ReadinessCheck.Result.ok("reachable"), cloud.check());
    }

    @Test
    void aFullScrapeWithJvmAndForwardSeriesPassesPromtool() throws Exception {
        CascadeMetrics m = metrics(true, "lobby", "yard");
        m.engine(new EngineInfo("onnxruntime-cpu", "cpu", "fp32", "yolox_nano.onnx"));
        m.queueDepths(() -> Map.of("lobby", Map.of("detector", 0, "output", 0)));
        m.cameraState("lobby", true);
        for (Stage st : Stage.values()) {
            m.stage("lobby", st, 1_500_000);
        }
        for (Outcome o : Outcome.values()) {
            m.frame("lobby", o);
        }
        m.cloudUp(true);
        m.spoolBytes(0);
        for (ForwardResult r : ForwardResult.values()) {
            m.forwarded("lobby", r);
        }
        Scrape s = scrape(m);
        assertTrue(s.hasMetricStartingWith("jvm_memory_used_bytes"), "JVM metrics missing");
        assertTrue(s.hasMetricStartingWith("process_cpu_seconds_total"), "process metrics missing");
        Promtool.checkMetrics(s.text());
    }
}
