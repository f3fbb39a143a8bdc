package io.edgecascade.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.SamplingSettings;
import io.edgecascade.cascade.source.HwAccel;
import io.edgecascade.cascade.source.StreamOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A camera's connection keys (reconnect, watchdog, RTSP options, loop) and its sampling. */
class LiveCameraConfigTest {

    private static final ConfigLoader LOADER = new ConfigLoader(
            Map.of("EDGE_CASCADE_ASSETS", TestAssets.root().toString()), List.of("auto", "onnxruntime-cpu"));

    private static String config(String camera) {
        return """
                model:
                  path: ${EDGE_CASCADE_ASSETS}/models/yolox_nano.onnx
                  labels: ${EDGE_CASCADE_ASSETS}/models/coco_classes.txt
                cameras:
                """ + camera;
    }

    /** The problems the loader reports for a config with these {@code cameras}. */
    private static List<String> problems(String cameras) {
        return assertThrows(ConfigException.class, () -> LOADER.parse(config(cameras), "t.yaml")).problems();
    }

    @Test
    void readsTheConnectionAndSamplingKeys() throws Exception {
        AppConfig c = LOADER.parse(config("""
                  - id: gate
                    source: rtsp://viewer:pw@cam.local/stream
                    rtsp_transport: udp
                    input_options: { analyzeduration: "2000000", buffer_size: 1048576 }
                    stall_seconds: 4.5
                    reconnect: { initial_ms: 250, max_ms: 8000 }
                    sampling: { every_n: 2, max_fps: 5, adaptive: { min_fps: 1, max_fps: 4 } }
                    hwaccel: vaapi
                    hwaccel_device: /dev/dri/renderD129
                  - id: demo
                    source: ${EDGE_CASCADE_ASSETS}/video/one-by-one-person-detection.mp4
                    loop: true
                """), "t.yaml");
        CameraSettings gate = c.cameras().get(0);
        assertEquals(new StreamOptions("udp", Map.of("analyzeduration", "2000000", "buffer_size", "1048576"), 4500,
                250, 8000, false).withHwaccel(HwAccel.VAAPI, "/dev/dri/renderD129"), gate.stream());
        assertEquals(new SamplingSettings(2, 5, 1, 4), gate.sampling());
        CameraSettings demo = c.cameras().get(1);
        assertTrue(demo.stream().loop());
        assertEquals(StreamOptions.DEFAULTS.stallMillis(), demo.stream().stallMillis());
        assertEquals(HwAccel.AUTO, demo.stream().hwaccel(), "the default");
        assertEquals(null, demo.stream().hwaccelDevice());
        assertEquals(SamplingSettings.OFF, demo.sampling());
    }

    @Test
    void badValuesAreNamedWithTheirFix() {
        List<String> problems = problems("""
                  - id: gate
                    source: rtsp://cam.local/stream
                    rtsp_transport: http
                    stall_seconds: 0
                    reconnect: { initial_ms: 5000, max_ms: 100, backof: 1 }
                    sampling: { every_n: 0, adaptive: { min_fps: 5, max_fps: 2 } }
                """);
        String all = String.join("\n", problems);
        assertTrue(all.contains("cameras[0].rtsp_transport"), all);
        assertTrue(all.contains("cameras[0].stall_seconds"), all);
        assertTrue(all.contains("cameras[0].reconnect.max_ms: 100 is below initial_ms 5000"), all);
        assertTrue(all.contains("cameras[0].reconnect.backof: unknown key"), all);
        assertTrue(all.contains("cameras[0].sampling.every_n"), all);
        assertTrue(all.contains("cameras[0].sampling.adaptive.max_fps: 2.0 is below min_fps 5.0"), all);
    }

    @Test
    void hwaccelAndItsDeviceAreCheckedWithTheirFix() {
        List<String> problems = problems("""
                  - id: a
                    source: rtsp://cam.local/a
                    hwaccel: nvdec
                  - id: b
                    source: rtsp://cam.local/b
                    hwaccel_device: /dev/dri/renderD128
                  - id: c
                    source: rtsp://cam.local/c
                    hwaccel: cuda
                    hwaccel_device: /dev/nvidia0
                  - id: d
                    source: rtsp://cam.local/d
                    hwaccel: vaapi
                    hwaccel_device: renderD128
                  - id: e
                    source: rtsp://cam.local/e
                    hwaccel: v4l2m2m
                    hwaccel_device: /dev/video10
                """);
        assertEquals(List.of(
                "cameras[0].hwaccel: 'nvdec' is not allowed; use one of auto, none, vaapi, qsv, cuda, v4l2m2m",
                "cameras[1].hwaccel_device: needs hwaccel set to the decoder it is for (vaapi, qsv or cuda); with"
                        + " hwaccel: auto remove it",
                "cameras[2].hwaccel_device: '/dev/nvidia0' is not a GPU index; use the CUDA device number, e.g. 0",
                "cameras[3].hwaccel_device: 'renderD128' is not a device path; use a render node, e.g."
                        + " /dev/dri/renderD128",
                "cameras[4].hwaccel_device: v4l2m2m finds its device itself; remove hwaccel_device"), problems);
    }
}
