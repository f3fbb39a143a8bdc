package io.edgecascade.engines;

import java.util.Arrays;

/** Name, element type and concrete shape of one model input or output. */
public record TensorSpec(String name, String elementType, long[] shape) {
    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * The shape a model declares, with a dynamic batch (dimension 0, written as -1) fixed to 1: we always run one
     * frame. Any other dynamic dimension is an error naming {@code what}.
     */
    public static long[] concreteShape(long[] declared, String what) throws EngineException {
        long[] shape = declared.clone();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                if (i == 0) {
                    shape[i] = 1;
                } else {
                    throw new EngineException("model " + what + " has a dynamic dimension " + i + " in "
                            + Arrays.toString(declared) + "; export the model with a fixed input size (e.g. 416x416)");
                }
            }
        }
        return shape;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && elementType.equals(t.elementType)
                && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + elementType.hashCode()) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ":" + elementType + Arrays.toString(shape);
    }
}
