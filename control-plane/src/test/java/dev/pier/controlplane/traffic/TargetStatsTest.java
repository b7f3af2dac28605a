package dev.pier.controlplane.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The sliding window, percentiles, sample, prediction counts and concurrent recording. */
class TargetStatsTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long MILLI = 1_000_000L;

  // Starts at an arbitrary, non-aligned point, as System.nanoTime() does.
  private final AtomicLong clock = new AtomicLong(123 * SECOND + 456);
  private final TargetStats stats = new TargetStats(60, 1024, 1024, clock::get);

  @Test
  void countsRequestsAndErrorsAndForgetsWhatSlidOutOfTheWindow() {
    for (int second = 0; second < 10; second++) {
      for (int i = 0; i < 10; i++) {
        stats.record(5 * MILLI, i == 0, Prediction.NONE);
      }
      clock.addAndGet(SECOND);
    }
    TargetSnapshot snapshot = stats.snapshot();
    assertThat(snapshot.requests()).isEqualTo(100);
    assertThat(snapshot.errors()).isEqualTo(10);
    assertThat(snapshot.errorRate()).isEqualTo(0.1);
    // Ten seconds have passed since the target was created: 100 requests in 10 s.
    assertThat(snapshot.requestsPerSecond()).isCloseTo(10.0, within(1e-9));

    // 54 more seconds: the first five seconds' 50 requests fall out of the 60-second window.
    clock.addAndGet(54 * SECOND);
    snapshot = stats.snapshot();
    assertThat(snapshot.requests()).isEqualTo(50);
    assertThat(snapshot.errors()).isEqualTo(5);
    assertThat(snapshot.requestsPerSecond()).isBetween(50 / 60.0, 50 / 59.0);

    // A request in a reused bucket clears what the bucket held from a minute ago.
    clock.addAndGet(SECOND);
    stats.record(MILLI, true, Prediction.NONE);
    snapshot = stats.snapshot();
    assertThat(snapshot.requests()).isEqualTo(41);
    assertThat(snapshot.errors()).isEqualTo(5);

    clock.addAndGet(61 * SECOND);
    snapshot = stats.snapshot();
    assertThat(snapshot.requests()).isZero();
    assertThat(snapshot.errorRate()).isZero();
    assertThat(snapshot.p99Nanos()).isZero();
    assertThat(snapshot.latencySampleNanos()).isEmpty();
  }

  @Test
  void aFirstRequestDoesNotReadAsAHugeRate() {
    stats.record(MILLI, false, Prediction.NONE);
    assertThat(stats.snapshot().requestsPerSecond()).isEqualTo(1.0);
  }

  @Test
  void percentilesAreWithinOnePercentOfExactOnKnownDistributions() {
    Random random = new Random(42);
    long[] uniform = new long[20_000];
    for (int i = 0; i < uniform.length; i++) {
      uniform[i] = 100_000 + random.nextLong(50 * MILLI); // 0.1 ms … 50 ms
    }
    checkPercentiles(uniform);

    long[] logNormal = new long[20_000];
    for (int i = 0; i < logNormal.length; i++) {
      logNormal[i] = (long) (2 * MILLI * Math.exp(random.nextGaussian())); // heavy right tail
    }
    checkPercentiles(logNormal);

    long[] arithmetic = new long[1000];
    for (int i = 0; i < arithmetic.length; i++) {
      arithmetic[i] = (i + 1) * 1000L; // 1 µs … 1 ms: p50 = 500 µs, p99 = 990 µs
    }
    checkPercentiles(arithmetic);
  }

  private void checkPercentiles(long[] latencies) {
    AtomicLong time = new AtomicLong(0);
    TargetStats target = new TargetStats(60, 1024, 1024, time::get);
    for (int i = 0; i < latencies.length; i++) {
      target.record(latencies[i], false, Prediction.NONE);
      time.addAndGet(SECOND * 50 / latencies.length); // spread over 50 buckets
    }
    TargetSnapshot snapshot = target.snapshot();
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    assertThat((double) snapshot.p50Nanos())
        .isCloseTo(exact(sorted, 0.50), within(0.01 * exact(sorted, 0.50)));
    assertThat((double) snapshot.p95Nanos())
        .isCloseTo(exact(sorted, 0.95), within(0.01 * exact(sorted, 0.95)));
    assertThat((double) snapshot.p99Nanos())
        .isCloseTo(exact(sorted, 0.99), within(0.01 * exact(sorted, 0.99)));
  }

  /** The nearest-rank percentile. */
  private static double exact(long[] sorted, double quantile) {
    return sorted[(int) Math.ceil(quantile * sorted.length) - 1];
  }

  @Test
  void everyHistogramBucketMidpointIsWithinOnePercentOfItsValues() {
    for (long value = 1; value < (1L << 40); value = value * 3 / 2 + 1) {
      long reported = LatencyHistogram.value(LatencyHistogram.index(value));
      assertThat((double) reported).isCloseTo(value, within(0.01 * value));
    }
    assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
  }

  @Test
  void theLatencySampleKeepsOnlyTheMostRecentValues() {
    TargetStats small = new TargetStats(60, 1024, 100, clock::get);
    for (int i = 1; i <= 1000; i++) {
      small.record(i, false, Prediction.NONE);
    }
    List<Long> sample = small.snapshot().latencySampleNanos();
    assertThat(sample).hasSize(100);
    assertThat(sample).allMatch(latency -> latency > 900);
  }

  @Test
  void countsClassesUpToTheBoundAndTheRestAsOther() {
    TargetStats bounded = new TargetStats(60, 4, 1024, clock::get);
    bounded.record(MILLI, false, new Prediction.Classified(0));
    bounded.record(MILLI, false, new Prediction.Classified(2));
    bounded.record(
        MILLI, false, List.of(new Prediction.Classified(2), new Prediction.Classified(3)));
    bounded.record(MILLI, false, new Prediction.Classified(4));
    bounded.record(MILLI, false, new Prediction.Classified(1_000_000));
    bounded.record(MILLI, true, Prediction.NONE);
    bounded.record(MILLI, true, (Prediction) null);
    TargetSnapshot snapshot = bounded.snapshot();
    assertThat(snapshot.classCounts()).containsExactly(1L, 0L, 2L, 1L);
    assertThat(snapshot.otherClassCount()).isEqualTo(2);
    assertThat(snapshot.requests()).isEqualTo(7);
    assertThat(snapshot.regressionCount()).isZero();
    assertThat(snapshot.regressionMean()).isNull();
  }

  @Test
  void regressionMeanAndSpreadMergeAcrossSeconds() {
    double[] values = {2, 4, 4, 4, 5, 5, 7, 9}; // mean 5, sample variance 32/7
    for (double value : values) {
      stats.record(MILLI, false, new Prediction.Regressed(value));
      clock.addAndGet(SECOND / 3);
    }
    stats.record(MILLI, false, new Prediction.Regressed(Double.NaN)); // not counted
    TargetSnapshot snapshot = stats.snapshot();
    assertThat(snapshot.regressionCount()).isEqualTo(8);
    assertThat(snapshot.regressionMean()).isCloseTo(5.0, within(1e-12));
    assertThat(snapshot.regressionStddev()).isCloseTo(Math.sqrt(32.0 / 7), within(1e-12));
    assertThat(snapshot.classCounts()).isEmpty();
  }

  @Test
  void shadowAgreementIsARateOverTheWindow() {
    assertThat(stats.snapshot().shadowAgreementRate()).isNull();
    stats.recordAgreement(true);
    stats.recordAgreement(true);
    stats.recordAgreement(true);
    stats.recordAgreement(false);
    TargetSnapshot snapshot = stats.snapshot();
    assertThat(snapshot.shadowCompared()).isEqualTo(4);
    assertThat(snapshot.shadowAgreed()).isEqualTo(3);
    assertThat(snapshot.shadowAgreementRate()).isEqualTo(0.75);
  }

  @Test
  void droppedShadowCopiesAreCountedOverTheWindow() {
    stats.recordDropped();
    clock.addAndGet(30 * SECOND);
    stats.recordDropped();
    stats.recordDropped();
    assertThat(stats.snapshot().shadowDropped()).isEqualTo(3);
    assertThat(stats.snapshot().requests()).as("a dropped copy is no request").isZero();

    clock.addAndGet(31 * SECOND);
    assertThat(stats.snapshot().shadowDropped()).isEqualTo(2);
  }

  @Test
  void manyThreadsRecordingLoseNothing() throws Exception {
    // The real clock, so threads also race across second boundaries.
    TargetStats shared = new TargetStats(60, 1024, 1024, System::nanoTime);
    int threads = 8;
    int perThread = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<?>[] done = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done[t] =
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    shared.record(
                        (i % 100 + 1) * 1000L, i % 10 == 0, new Prediction.Classified(thread));
                  }
                  return null;
                });
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    TargetSnapshot snapshot = shared.snapshot();
    assertThat(snapshot.requests()).isEqualTo((long) threads * perThread);
    assertThat(snapshot.errors()).isEqualTo((long) threads * perThread / 10);
    assertThat(snapshot.classCounts()).hasSize(threads).allMatch(count -> count == perThread);
    assertThat(snapshot.latencySampleNanos()).hasSize(1024);
  }
}
