package io.edgecascade.cascade.forward;

import io.edgecascade.cascade.kserve.ModelMetadataResponse;
import java.util.List;

/**
 * The model's input as the forwarder fills it: its name, datatype and shape (from the server's metadata).
 *
 * @param datatype BYTES (an encoded image), FP32 ([1,3,H,W] planar BGR 0..255) or UINT8 ([1,H,W,3] BGR)
 */
record InputSpec(String name, String datatype, List<Long> shape) {

    InputSpec {
        shape = List.copyOf(shape);
    }

    /**
     * The input to fill for this model's metadata in this mode.
     *
     * @throws IllegalArgumentException naming what does not fit and the fix
     */
    static InputSpec of(ModelMetadataResponse md, CloudSettings.InputMode mode) {
        if (md.getInputsCount() != 1) {
            throw new IllegalArgumentException("the model has " + md.getInputsCount()
                    + " inputs; edge-cascade sends one image input");
        }
        ModelMetadataResponse.TensorMetadata in = md.getInputs(0);
        if (mode == CloudSettings.InputMode.BINARY) {
            return new InputSpec(in.getName(), "BYTES", List.of(1L));
        }
        List<Long> s = in.getShapeList();
        boolean nchw = "FP32".equals(in.getDatatype()) && s.size() == 4 && s.get(0) == 1 && s.get(1) == 3
                && s.get(2) > 0 && s.get(3) > 0;
        boolean nhwc = "UINT8".equals(in.getDatatype()) && s.size() == 4 && s.get(0) == 1 && s.get(3) == 3;
        if (!nchw && !nhwc) {
            throw new IllegalArgumentException("input '" + in.getName() + "' is " + in.getDatatype() + " " + s
                    + "; cloud.input: tensor sends FP32 [1,3,H,W] or UINT8 [1,H,W,3] (use cloud.input: binary for"
                    + " this model)");
        }
        return new InputSpec(in.getName(), in.getDatatype(), s);
    }
}
