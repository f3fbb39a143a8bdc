package io.edgecascade.engines.openvino;

import io.edgecascade.engines.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Host memory the OpenVINO tensors wrap ({@code ov_tensor_create_from_host_ptr}): one direct float32 buffer per
 * tensor, dense row-major in the model's layout (NCHW for images), native byte order, aligned to 64 bytes so the
 * CPU plugin can use it in place without a copy.
 */
final class HostTensors {

    /** Cache-line and AVX-512 alignment. */
    static final int ALIGNMENT = 64;

    private HostTensors() {
    }

    static FloatBuffer allocate(TensorSpec spec) {
        long count = spec.elementCount();
        if (count <= 0 || count > (Integer.MAX_VALUE - ALIGNMENT) / 4) {
            throw new IllegalArgumentException("tensor " + spec + " has an unsupported size of " + count + " elements");
        }
        int bytes = (int) count * 4;
        // alignedSlice rounds the start up and the end down to the alignment: leave room for both
        int rounded = (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        ByteBuffer aligned = ByteBuffer.allocateDirect(rounded + ALIGNMENT).alignedSlice(ALIGNMENT);
        aligned.limit(bytes);
        return aligned.slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** {@code ov_element_type_e} of float32 ({@code F32} in {@code ov_common.h}). */
    static final int F32 = 5;

    /** The name of an {@code ov_element_type_e}, for messages. */
    static String elementTypeName(int type) {
        String[] names = {"undefined", "dynamic", "boolean", "bf16", "f16", "f32", "f64", "i4", "i8", "i16", "i32",
            "i64", "u1", "u4", "u8", "u16", "u32", "u64"};
        return type >= 0 && type < names.length ? names[type] : "type " + type;
    }
}
