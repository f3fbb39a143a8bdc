package io.edgecascade.cascade.kserve;

import com.google.protobuf.ByteString;
import io.edgecascade.cascade.kserve.InferTensorContents;
import io.edgecascade.cascade.kserve.ModelInferRequest;
import io.edgecascade.cascade.kserve.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading and writing KServe v2 tensor data: the {@code raw_*_contents} form (flat, row-major, little-endian;
 * BYTES elements each prefixed by a 4-byte little-endian length, as Triton and OVMS write them) and the typed
 * {@code contents} form.
 */
public final class Tensors {

    private Tensors() {
    }

    /** Bytes per element of a fixed-size data type, or 0 for BYTES / unknown. */
    public static int elementSize(String datatype) {
        return switch (datatype) {
            case "BOOL", "UINT8", "INT8" -> 1;
            case "UINT16", "INT16", "FP16", "BF16" -> 2;
            case "UINT32", "INT32", "FP32" -> 4;
            case "UINT64", "INT64", "FP64" -> 8;
            default -> 0;
        };
    }

    public static long elementCount(List<Long> shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The elements of a BYTES input, from {@code contents.bytes_contents} or the raw form. */
    public static List<ByteString> bytesElements(ModelInferRequest req, int index) {
        ModelInferRequest.InferInputTensor t = req.getInputs(index);
        if (t.hasContents() && t.getContents().getBytesContentsCount() > 0) {
            return t.getContents().getBytesContentsList();
        }
        if (req.getRawInputContentsCount() > index) {
            return splitRawBytes(req.getRawInputContents(index));
        }
        return List.of();
    }

    static List<ByteString> splitRawBytes(ByteString raw) {
        List<ByteString> out = new ArrayList<>();
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 4) {
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) {
                throw new IllegalArgumentException("BYTES element length " + len + " exceeds the data left ("
                        + b.remaining() + ")");
            }
            int start = b.position();
            out.add(raw.substring(start, start + len));
            b.position(start + len);
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException("BYTES raw data ends inside a length prefix");
        }
        return out;
    }

    /** The little-endian raw data of a fixed-size input, from the raw form or the typed contents. */
    public static ByteBuffer fixedElements(ModelInferRequest req, int index) {
        ModelInferRequest.InferInputTensor t = req.getInputs(index);
        long n = elementCount(t.getShapeList());
        int size = elementSize(t.getDatatype());
        if (req.getRawInputContentsCount() > index) {
            ByteString raw = req.getRawInputContents(index);
            if (raw.size() != n * size) {
                throw new IllegalArgumentException("input '" + t.getName() + "' has " + raw.size()
                        + " bytes of data but " + t.getDatatype() + " " + t.getShapeList() + " needs " + n * size);
            }
            return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        InferTensorContents c = t.getContents();
        ByteBuffer b = ByteBuffer.allocate((int) (n * size)).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.getDatatype()) {
            case "FP32" -> {
                check(c.getFp32ContentsCount(), n, t);
                c.getFp32ContentsList().forEach(b::putFloat);
            }
            case "UINT8" -> {
                check(c.getUintContentsCount(), n, t);
                c.getUintContentsList().forEach(v -> b.put((byte) (int) v));
            }
            default -> throw new IllegalArgumentException("data type " + t.getDatatype() + " of input '" + t.getName()
                    + "' is not supported; send FP32 or UINT8");
        }
        return b.flip();
    }

    private static void check(int have, long need, ModelInferRequest.InferInputTensor t) {
        if (have != need) {
            throw new IllegalArgumentException("input '" + t.getName() + "' has " + have + " values but shape "
                    + t.getShapeList() + " needs " + need);
        }
    }

    public static ByteString rawFloats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return ByteString.copyFrom(b.flip());
    }

    public static ByteString rawLongs(long[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return ByteString.copyFrom(b.flip());
    }

    /**
     * Output {@code index} of a response as a flat list of numbers (or strings for BYTES), from the raw or the
     * typed form.
     *
     * @throws IllegalArgumentException when the data does not match the declared type and shape
     */
    public static List<Object> outputValues(ModelInferResponse resp, int index) {
        ModelInferResponse.InferOutputTensor t = resp.getOutputs(index);
        long n = elementCount(t.getShapeList());
        List<Object> out = new ArrayList<>();
        if (resp.getRawOutputContentsCount() > 0) {
            if (resp.getRawOutputContentsCount() != resp.getOutputsCount()) {
                throw new IllegalArgumentException(resp.getOutputsCount() + " outputs but "
                        + resp.getRawOutputContentsCount() + " raw contents");
            }
            ByteString raw = resp.getRawOutputContents(index);
            if ("BYTES".equals(t.getDatatype())) {
                splitRawBytes(raw).forEach(s -> out.add(s.toStringUtf8()));
                return out;
            }
            int size = elementSize(t.getDatatype());
            if (size == 0) {
                throw new IllegalArgumentException("output '" + t.getName() + "' has unknown data type '"
                        + t.getDatatype() + "'");
            }
            if (raw.size() != n * size) {
                throw new IllegalArgumentException("output '" + t.getName() + "' has " + raw.size() + " bytes but "
                        + t.getDatatype() + " " + t.getShapeList() + " needs " + n * size);
            }
            ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < n; i++) {
                out.add(switch (t.getDatatype()) {
                    case "FP32" -> b.getFloat();
                    case "FP64" -> b.getDouble();
                    case "INT64", "UINT64" -> b.getLong();
                    case "INT32", "UINT32" -> b.getInt();
                    case "INT16", "UINT16", "FP16", "BF16" -> b.getShort();
                    default -> b.get();
                });
            }
            return out;
        }
        InferTensorContents c = t.getContents();
        switch (t.getDatatype()) {
            case "FP32" -> out.addAll(c.getFp32ContentsList());
            case "FP64" -> out.addAll(c.getFp64ContentsList());
            case "INT64" -> out.addAll(c.getInt64ContentsList());
            case "UINT64" -> out.addAll(c.getUint64ContentsList());
            case "INT8", "INT16", "INT32" -> out.addAll(c.getIntContentsList());
            case "UINT8", "UINT16", "UINT32" -> out.addAll(c.getUintContentsList());
            case "BOOL" -> out.addAll(c.getBoolContentsList());
            case "BYTES" -> c.getBytesContentsList().forEach(s -> out.add(s.toStringUtf8()));
            default -> throw new IllegalArgumentException("output '" + t.getName() + "' has unknown data type '"
                    + t.getDatatype() + "'");
        }
        if (out.size() != n) {
            throw new IllegalArgumentException("output '" + t.getName() + "' has " + out.size() + " values but shape "
                    + t.getShapeList() + " needs " + n);
        }
        return out;
    }
}
