package dev.pier.runtime.tensor;

import java.util.Arrays;

/**
 * What a model declares for one input or output: name, datatype and shape, where -1 marks a
 * dimension of any size.
 */
public record TensorSpec(String name, DataType datatype, long[] shape) {

  public static final long ANY = -1;

  /** Whether the first dimension is variable, so requests can be stacked along it. */
  public boolean batchable() {
    return shape.length > 0 && shape[0] == ANY;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorSpec that
        && name.equals(that.name)
        && datatype == that.datatype
        && Arrays.equals(shape, that.shape);
  }

  @Override
  public int hashCode() {
    return (31 * name.hashCode() + datatype.hashCode()) * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + datatype + " " + Arrays.toString(shape);
  }
}
