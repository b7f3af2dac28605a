package dev.pier.controlplane.traffic;

import java.util.Arrays;

/**
 * Log-linear latency histogram in nanoseconds: values below 64 have a bucket each; above, every
 * power of two is split into 64 equal buckets, so a bucket is at most 1/64 of its lower bound wide
 * and its midpoint is within 0.8 % of any value in it. Values from 2^40 ns (about 18 minutes) on
 * share the last bucket. Not thread-safe: {@link TargetStats} guards each one.
 *
 * <p>The array grows (by doubling) only up to the highest bucket used: at most 2,240 ints (9 KB)
 * per second of window, fewer for a target whose answers never take long.
 */
final class LatencyHistogram {
  static final int SUB_BITS = 6;
  static final int SUB_BUCKETS = 1 << SUB_BITS;
  static final int MAX_EXPONENT = 40;
  static final int BUCKETS = SUB_BUCKETS + (MAX_EXPONENT - SUB_BITS) * SUB_BUCKETS;

  private int[] counts = new int[0];
  private long total;

  static int index(long nanos) {
    if (nanos < SUB_BUCKETS) {
      return (int) Math.max(nanos, 0);
    }
    int exponent = 63 - Long.numberOfLeadingZeros(nanos);
    if (exponent >= MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int shift = exponent - SUB_BITS;
    int sub = (int) (nanos >>> shift) & (SUB_BUCKETS - 1);
    return SUB_BUCKETS + shift * SUB_BUCKETS + sub;
  }

  /** The value a bucket reports: its midpoint (exact below 64 ns). */
  static long value(int index) {
    if (index < SUB_BUCKETS) {
      return index;
    }
    int shift = (index - SUB_BUCKETS) / SUB_BUCKETS;
    long sub = (index - SUB_BUCKETS) % SUB_BUCKETS;
    long lower = (SUB_BUCKETS + sub) << shift;
    return lower + ((1L << shift) >>> 1);
  }

  void record(long nanos) {
    int index = index(nanos);
    if (index >= counts.length) {
      counts = Arrays.copyOf(counts, Math.min(BUCKETS, Math.max(index + 1, counts.length * 2)));
    }
    counts[index]++;
    total++;
  }

  void clear() {
    Arrays.fill(counts, 0);
    total = 0;
  }

  long total() {
    return total;
  }

  /** Adds this histogram's counts into {@code into} (sized {@link #BUCKETS}). */
  void addTo(long[] into) {
    for (int i = 0; i < counts.length; i++) {
      into[i] += counts[i];
    }
  }

  /**
   * The nearest-rank percentile of merged counts: the smallest recorded value with at least {@code
   * quantile * total} values at or below it; 0 when empty.
   */
  static long percentile(long[] merged, long total, double quantile) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long seen = 0;
    for (int i = 0; i < merged.length; i++) {
      seen += merged[i];
      if (seen >= rank) {
        return value(i);
      }
    }
    return value(merged.length - 1);
  }
}
