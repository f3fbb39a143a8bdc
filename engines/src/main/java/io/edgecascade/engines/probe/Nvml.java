package io.edgecascade.engines.probe;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The NVIDIA Management Library ({@code libnvidia-ml.so.1}, installed with the driver): which GPUs are there. */
final class Nvml {

    static final String LIBRARY = "nvidia-ml";

    /** The functions of {@code nvml.h} the probe needs; every {@code int} is an {@code nvmlReturn_t}. */
    interface Api extends Library {
        int nvmlInit_v2();

        int nvmlShutdown();

        int nvmlDeviceGetCount_v2(IntByReference count);

        int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

        int nvmlDeviceGetName(Pointer device, byte[] name, int length);

        String nvmlErrorString(int result);
    }

    private Nvml() {
    }

    static List<String> gpus() throws NativeLoader.ProbeException {
        Api nvml;
        try {
            nvml = Native.load(LIBRARY, Api.class);
        } catch (UnsatisfiedLinkError e) {
            throw new NativeLoader.ProbeException("no NVIDIA driver: libnvidia-ml.so.1 not found");
        }
        int r = nvml.nvmlInit_v2();
        if (r != 0) {
            throw new NativeLoader.ProbeException("the NVIDIA driver did not initialize: " + nvml.nvmlErrorString(r));
        }
        try {
            IntByReference count = new IntByReference();
            r = nvml.nvmlDeviceGetCount_v2(count);
            if (r != 0) {
                throw new NativeLoader.ProbeException("the NVIDIA driver reports no devices: "
                        + nvml.nvmlErrorString(r));
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < count.getValue(); i++) {
                PointerByReference device = new PointerByReference();
                byte[] name = new byte[96];
                if (nvml.nvmlDeviceGetHandleByIndex_v2(i, device) == 0
                        && nvml.nvmlDeviceGetName(device.getValue(), name, name.length) == 0) {
                    names.add(cString(name));
                } else {
                    names.add("NVIDIA GPU " + i);
                }
            }
            return names;
        } finally {
            nvml.nvmlShutdown();
        }
    }

    private static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
