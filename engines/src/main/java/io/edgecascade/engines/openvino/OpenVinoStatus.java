package io.edgecascade.engines.openvino;

import io.edgecascade.engines.EngineException;

/** {@code ov_status_e} codes and the messages a user gets for them. */
public final class OpenVinoStatus {

    public static final int OK = 0;

    private static final String[] NAMES = {
        "OK", "GENERAL_ERROR", "NOT_IMPLEMENTED", "NETWORK_NOT_LOADED", "PARAMETER_MISMATCH", "NOT_FOUND",
        "OUT_OF_BOUNDS", "UNEXPECTED", "REQUEST_BUSY", "RESULT_NOT_READY", "NOT_ALLOCATED", "INFER_NOT_STARTED",
        "NETWORK_NOT_READ", "INFER_CANCELLED", "INVALID_C_PARAM", "UNKNOWN_C_ERROR", "NOT_IMPLEMENT_C_METHOD",
        "UNKNOW_EXCEPTION",
    };

    private OpenVinoStatus() {
    }

    /** The enum name of a status code, e.g. {@code -5 -> NOT_FOUND}; {@code STATUS(n)} for codes we do not know. */
    public static String name(int status) {
        int i = -status;
        return i >= 0 && i < NAMES.length ? NAMES[i] : "STATUS(" + status + ")";
    }

    /** What the user can do about a failed step: the fix depends on the step more than on the code. */
    static String hint(String step, int status, String device) {
        return switch (step) {
            case "read_model" -> "check that the model is a valid ONNX or OpenVINO IR (.xml + .bin) file";
            case "compile_model" -> status == -5 || status == -2
                    ? "device '" + device + "' is not available to OpenVINO; run 'edge-cascade probe' and pick one"
                            + " of its devices (CPU, GPU, NPU, AUTO), or install the device's driver"
                    : "the model could not be compiled for " + device + "; try device AUTO or CPU";
            case "create_core" -> "the OpenVINO installation is incomplete (plugins.xml or plugin libraries missing);"
                    + " reinstall the OpenVINO runtime";
            case "infer" -> "the device failed during inference; check its driver, or use device CPU";
            default -> "this is a bug in the OpenVINO binding; report it with the --verbose output";
        };
    }

    /**
     * The exception for a failed call: names the step, the status and OpenVINO's own detail, then the fix.
     *
     * @param detail OpenVINO's last error message, or null
     */
    public static EngineException error(String step, int status, String detail, String device) {
        StringBuilder m = new StringBuilder("engine openvino: ").append(step).append(" failed with ")
                .append(name(status));
        if (detail != null && !detail.isBlank()) {
            m.append(" (").append(firstLine(detail)).append(')');
        }
        m.append("; ").append(hint(step, status, device));
        return new EngineException(m.toString());
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
