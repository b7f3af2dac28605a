package dev.pier.benchmarks;

/**
 * Log-linear latency histogram in nanoseconds, in the manner of HdrHistogram: 64 linear sub-buckets
 * per power of two, so any recorded value is known to within 1/128 of itself. Fixed size and
 * allocation-free when recording, so it can sit in a measured loop.
 *
 * <p>Not thread-safe: each load thread records into its own and they are {@link #add merged}
 * afterwards.
 */
final class LatencyHistogram {
  private static final int SUB_BUCKET_BITS = 6;
  private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
  private static final int LINEAR_LIMIT = SUB_BUCKETS * 2;
  // Values up to 2^62 ns; one extra power of two of slack keeps index() in range for any long.
  private static final int BUCKET_COUNT = LINEAR_LIMIT + 62 * SUB_BUCKETS;

  private final long[] counts = new long[BUCKET_COUNT];
  private long total;
  private long max;

  void record(long nanos) {
    long value = Math.max(0, nanos);
    counts[index(value)]++;
    total++;
    if (value > max) {
      max = value;
    }
  }

  void add(LatencyHistogram other) {
    for (int i = 0; i < BUCKET_COUNT; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  long count() {
    return total;
  }

  long maxNanos() {
    return max;
  }

  /** The value at {@code percentile} (0-100], as the midpoint of its bucket; 0 when empty. */
  long percentileNanos(double percentile) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
    long seen = 0;
    for (int i = 0; i < BUCKET_COUNT; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, midpoint(i));
      }
    }
    return max;
  }

  static int index(long value) {
    if (value < LINEAR_LIMIT) {
      return (int) value;
    }
    int highestBit = 63 - Long.numberOfLeadingZeros(value);
    int shift = highestBit - SUB_BUCKET_BITS;
    int subBucket = (int) (value >>> shift) - SUB_BUCKETS;
    return LINEAR_LIMIT + (shift - 1) * SUB_BUCKETS + subBucket;
  }

  static long lowerBound(int index) {
    if (index < LINEAR_LIMIT) {
      return index;
    }
    int shift = (index - LINEAR_LIMIT) / SUB_BUCKETS + 1;
    long subBucket = (index - LINEAR_LIMIT) % SUB_BUCKETS + SUB_BUCKETS;
    return subBucket << shift;
  }

  private static long midpoint(int index) {
    if (index < LINEAR_LIMIT) {
      return index;
    }
    int shift = (index - LINEAR_LIMIT) / SUB_BUCKETS + 1;
    return lowerBound(index) + ((1L << shift) >>> 1);
  }
}
