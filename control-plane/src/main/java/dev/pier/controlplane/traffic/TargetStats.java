package dev.pier.controlplane.traffic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Live traffic statistics of one target (stable, canary, shadow, fallback) of one endpoint, fed by
 * the gateway for every request it forwards, read by rollouts and their SLO gates.
 *
 * <p>A sliding window of one-second buckets (60 by default) in a ring: a request locks only the
 * bucket of its second, and the bucket it finds still holding an older second is cleared first, so
 * whatever fell out of the window is forgotten without a timer. Recording is O(1): counters, one
 * histogram slot, one class slot (the class array grows only up to the highest class seen), one
 * Welford update; it allocates nothing once the arrays have grown. {@link #snapshot()} merges the
 * buckets still in the window, locking each in turn and never two at once.
 *
 * <p>Latencies are also kept in a ring of the most recent ones (1,024 by default), outside the
 * buckets' locks, for rank tests that need the values themselves.
 */
public final class TargetStats {
  static final int DEFAULT_WINDOW_SECONDS = 60;
  static final int DEFAULT_MAX_CLASSES = 1024;
  static final int DEFAULT_SAMPLE_SIZE = 1024;
  private static final long SECOND = 1_000_000_000L;

  private final LongSupplier nanoTime;
  private final int windowSeconds;
  private final int maxClasses;
  private final Bucket[] buckets;
  private final long startNanos;

  // The recent-latency ring: slot = cursor % size. The second is kept beside the value so a
  // snapshot leaves out latencies older than the window; a reader racing a writer may pair a value
  // with its neighbour's second, which moves one sample by a second at most.
  private final AtomicLong cursor = new AtomicLong();
  private final AtomicLongArray sampleNanos;
  private final AtomicLongArray sampleSeconds;

  TargetStats() {
    this(DEFAULT_WINDOW_SECONDS, DEFAULT_MAX_CLASSES, DEFAULT_SAMPLE_SIZE, System::nanoTime);
  }

  /**
   * @param windowSeconds how many one-second buckets the window holds
   * @param maxClasses class indexes from this on are counted together as "other"
   * @param sampleSize how many recent latencies are kept for rank tests
   * @param nanoTime a monotonic clock in nanoseconds, {@link System#nanoTime()} outside tests
   */
  TargetStats(int windowSeconds, int maxClasses, int sampleSize, LongSupplier nanoTime) {
    if (windowSeconds < 1 || maxClasses < 1 || sampleSize < 1) {
      throw new IllegalArgumentException("window, classes and sample size must be positive");
    }
    this.windowSeconds = windowSeconds;
    this.maxClasses = maxClasses;
    this.nanoTime = nanoTime;
    this.buckets = new Bucket[windowSeconds];
    for (int i = 0; i < windowSeconds; i++) {
      buckets[i] = new Bucket();
    }
    this.sampleNanos = new AtomicLongArray(sampleSize);
    this.sampleSeconds = new AtomicLongArray(sampleSize);
    this.startNanos = nanoTime.getAsLong();
  }

  /** Records one forwarded request and what it predicted ({@code null} = none). */
  public void record(long latencyNanos, boolean error, Prediction prediction) {
    record(latencyNanos, error, prediction, null);
  }

  /** Records one request whose answer held a batch: every instance's prediction is counted. */
  public void record(long latencyNanos, boolean error, List<Prediction> predictions) {
    record(latencyNanos, error, null, predictions);
  }

  private void record(long latencyNanos, boolean error, Prediction one, List<Prediction> many) {
    long second = Math.floorDiv(nanoTime.getAsLong(), SECOND);
    long latency = Math.max(0, latencyNanos);
    Bucket bucket = bucket(second);
    synchronized (bucket) {
      bucket.roll(second);
      bucket.record(latency, error);
      if (many == null) {
        bucket.predicted(one, maxClasses);
      } else {
        for (int i = 0; i < many.size(); i++) {
          bucket.predicted(many.get(i), maxClasses);
        }
      }
    }
    sample(second, latency);
  }

  /** Records whether this (shadow) target's predictions equalled the primary's for one request. */
  public void recordAgreement(boolean agreed) {
    long second = Math.floorDiv(nanoTime.getAsLong(), SECOND);
    Bucket bucket = bucket(second);
    synchronized (bucket) {
      bucket.roll(second);
      bucket.compared++;
      if (agreed) {
        bucket.agreed++;
      }
    }
  }

  /** Counts a copy for this (shadow) target that was dropped rather than queued without bound. */
  public void recordDropped() {
    long second = Math.floorDiv(nanoTime.getAsLong(), SECOND);
    Bucket bucket = bucket(second);
    synchronized (bucket) {
      bucket.roll(second);
      bucket.dropped++;
    }
  }

  private Bucket bucket(long second) {
    return buckets[(int) Math.floorMod(second, (long) windowSeconds)];
  }

  private void sample(long second, long latency) {
    int slot = (int) (cursor.getAndIncrement() % sampleNanos.length());
    sampleSeconds.set(slot, second);
    sampleNanos.set(slot, latency);
  }

  /** The window as it is now, merged into an immutable snapshot. */
  public TargetSnapshot snapshot() {
    long now = nanoTime.getAsLong();
    long second = Math.floorDiv(now, SECOND);
    long oldest = second - windowSeconds + 1;
    long requests = 0;
    long errors = 0;
    long compared = 0;
    long agreed = 0;
    long dropped = 0;
    long[] latencies = new long[LatencyHistogram.BUCKETS];
    long latencyCount = 0;
    long[] classes = new long[0];
    long other = 0;
    long regressionCount = 0;
    double mean = 0;
    double m2 = 0;
    for (Bucket bucket : buckets) {
      synchronized (bucket) {
        if (bucket.second < oldest || bucket.second > second) {
          continue;
        }
        requests += bucket.requests;
        errors += bucket.errors;
        compared += bucket.compared;
        agreed += bucket.agreed;
        dropped += bucket.dropped;
        bucket.latencies.addTo(latencies);
        latencyCount += bucket.latencies.total();
        if (bucket.classes.length > classes.length) {
          classes = Arrays.copyOf(classes, bucket.classes.length);
        }
        for (int i = 0; i < bucket.classes.length; i++) {
          classes[i] += bucket.classes[i];
        }
        other += bucket.otherClasses;
        if (bucket.regressionCount > 0) {
          // Chan et al.'s pairwise combination of Welford accumulators.
          long n = regressionCount + bucket.regressionCount;
          double delta = bucket.regressionMean - mean;
          mean += delta * bucket.regressionCount / n;
          m2 +=
              bucket.regressionM2
                  + delta * delta * ((double) regressionCount * bucket.regressionCount / n);
          regressionCount = n;
        }
      }
    }
    // The window began at the oldest second's start, or when this target was created if later; a
    // second at least, so the first request does not read as a huge rate.
    long windowStart = Math.max(oldest * SECOND, startNanos);
    double seconds = Math.max(1.0, (now - windowStart) / (double) SECOND);
    // Up to the highest class seen: the arrays grow by doubling, which leaves zeros at the end.
    int used = classes.length;
    while (used > 0 && classes[used - 1] == 0) {
      used--;
    }
    List<Long> classCounts = new ArrayList<>(used);
    for (int i = 0; i < used; i++) {
      classCounts.add(classes[i]);
    }
    return new TargetSnapshot(
        windowSeconds,
        requests,
        errors,
        requests / seconds,
        requests == 0 ? 0.0 : (double) errors / requests,
        LatencyHistogram.percentile(latencies, latencyCount, 0.50),
        LatencyHistogram.percentile(latencies, latencyCount, 0.95),
        LatencyHistogram.percentile(latencies, latencyCount, 0.99),
        List.copyOf(classCounts),
        other,
        regressionCount,
        regressionCount == 0 ? null : mean,
        regressionCount < 2 ? null : Math.sqrt(m2 / (regressionCount - 1)),
        compared,
        agreed,
        compared == 0 ? null : (double) agreed / compared,
        dropped,
        latencySample(oldest, second));
  }

  private List<Long> latencySample(long oldest, long newest) {
    int size = (int) Math.min(cursor.get(), sampleNanos.length());
    List<Long> sample = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      long second = sampleSeconds.get(i);
      if (second >= oldest && second <= newest) {
        sample.add(sampleNanos.get(i));
      }
    }
    return List.copyOf(sample);
  }

  /** One second of the window; every field is guarded by the bucket's monitor. */
  private static final class Bucket {
    long second = Long.MIN_VALUE;
    long requests;
    long errors;
    long compared;
    long agreed;
    long dropped;
    final LatencyHistogram latencies = new LatencyHistogram();
    long[] classes = new long[0];
    long otherClasses;
    long regressionCount;
    double regressionMean;
    double regressionM2;

    /** Clears what an older second left here before this second's first request. */
    void roll(long now) {
      // A request whose thread stalled a whole window behind counts in the newer second rather
      // than wiping it.
      if (second >= now) {
        return;
      }
      second = now;
      requests = 0;
      errors = 0;
      compared = 0;
      agreed = 0;
      dropped = 0;
      latencies.clear();
      Arrays.fill(classes, 0);
      otherClasses = 0;
      regressionCount = 0;
      regressionMean = 0;
      regressionM2 = 0;
    }

    void record(long latency, boolean error) {
      requests++;
      if (error) {
        errors++;
      }
      latencies.record(latency);
    }

    void predicted(Prediction prediction, int maxClasses) {
      switch (prediction) {
        case Prediction.Classified(int index) when index < maxClasses -> {
          if (index >= classes.length) {
            int grown = Math.min(maxClasses, Math.max(index + 1, 2 * classes.length));
            classes = Arrays.copyOf(classes, grown);
          }
          classes[index]++;
        }
        case Prediction.Classified c -> otherClasses++;
        case Prediction.Regressed(double value) -> {
          if (Double.isFinite(value)) {
            // Welford's update: numerically stable, O(1).
            regressionCount++;
            double delta = value - regressionMean;
            regressionMean += delta / regressionCount;
            regressionM2 += delta * (value - regressionMean);
          }
        }
        case Prediction.None n -> {}
        case null -> {}
      }
    }
  }
}
