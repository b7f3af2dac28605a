package dev.pier.runtime.tensor;

import java.util.Arrays;

/** Arithmetic on tensor shapes that never overflows silently. */
public final class Shapes {
  private Shapes() {}

  /**
   * Product of the dimensions, or -1 if a dimension is negative or the product exceeds {@link
   * Integer#MAX_VALUE} elements (no single tensor Pier accepts is that large).
   */
  public static long elementCount(long[] shape) {
    boolean empty = false;
    for (long dimension : shape) {
      if (dimension < 0) {
        return -1;
      }
      empty |= dimension == 0;
    }
    if (empty) {
      return 0;
    }
    long count = 1;
    for (long dimension : shape) {
      if (dimension > Integer.MAX_VALUE || (count *= dimension) > Integer.MAX_VALUE) {
        return -1;
      }
    }
    return count;
  }

  public static String format(long[] shape) {
    return Arrays.toString(shape);
  }
}
