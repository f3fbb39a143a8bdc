package io.edgecascade.engines.openvino;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The part of the OpenVINO 2024+ C API ({@code libopenvino_c}, headers {@code openvino/c/ov_*.h}) the engine
 * uses, bound at run time by JNA. Every {@code int} result is an {@code ov_status_e}; {@code size_t} is mapped to
 * {@code long}, which holds on the 64-bit Linux targets (x86-64, arm64) edge-cascade ships for.
 */
public interface OpenVinoApi extends Library {

    /** {@code ov_shape_t}: {@code int64_t rank; int64_t* dims;}. */
    @Structure.FieldOrder({"rank", "dims"})
    class OvShape extends Structure {
        public long rank;
        public Pointer dims;

        /** Passed by value to {@code ov_tensor_create_from_host_ptr}. */
        public static class ByValue extends OvShape implements Structure.ByValue {
        }

        /** The dimensions, {@code rank} of them. */
        public long[] toArray() {
            return rank == 0 || dims == null ? new long[0] : dims.getLongArray(0, (int) rank);
        }
    }

    /** {@code ov_version_t}: {@code const char* buildNumber; const char* description;}. */
    @Structure.FieldOrder({"buildNumber", "description"})
    class OvVersion extends Structure {
        public String buildNumber;
        public String description;
    }

    int ov_get_openvino_version(OvVersion version);

    void ov_version_free(OvVersion version);

    int ov_core_create(PointerByReference core);

    void ov_core_free(Pointer core);

    int ov_core_read_model(Pointer core, String modelPath, String binPath, PointerByReference model);

    /** Variadic: {@code properties} are {@code propertyArgsSize} strings, key/value pairs. */
    int ov_core_compile_model(Pointer core, Pointer model, String deviceName, long propertyArgsSize,
            PointerByReference compiledModel, Object... properties);

    void ov_model_free(Pointer model);

    int ov_model_inputs_size(Pointer model, LongByReference size);

    int ov_model_outputs_size(Pointer model, LongByReference size);

    int ov_model_const_input_by_index(Pointer model, long index, PointerByReference port);

    int ov_model_const_output_by_index(Pointer model, long index, PointerByReference port);

    int ov_port_get_any_name(Pointer port, PointerByReference name);

    int ov_port_get_element_type(Pointer port, IntByReference type);

    int ov_const_port_get_shape(Pointer port, OvShape shape);

    int ov_shape_free(OvShape shape);

    void ov_output_const_port_free(Pointer port);

    void ov_compiled_model_free(Pointer compiledModel);

    /** A property of the compiled model as a string (e.g. INFERENCE_PRECISION_HINT); free with {@link #ov_free}. */
    int ov_compiled_model_get_property(Pointer compiledModel, String property, PointerByReference value);

    int ov_compiled_model_create_infer_request(Pointer compiledModel, PointerByReference request);

    void ov_infer_request_free(Pointer request);

    int ov_infer_request_set_input_tensor_by_index(Pointer request, long index, Pointer tensor);

    int ov_infer_request_set_output_tensor_by_index(Pointer request, long index, Pointer tensor);

    int ov_infer_request_infer(Pointer request);

    int ov_tensor_create_from_host_ptr(int elementType, OvShape.ByValue shape, Pointer hostPtr,
            PointerByReference tensor);

    void ov_tensor_free(Pointer tensor);

    /** Static text of a status code; never freed. */
    String ov_get_error_info(int status);

    /** Detail of the last failure (2024.0+); allocated, free with {@link #ov_free}. */
    Pointer ov_get_last_err_msg();

    void ov_free(Pointer content);
}
