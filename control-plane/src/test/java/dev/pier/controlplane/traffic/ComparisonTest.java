package dev.pier.controlplane.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.pier.controlplane.traffic.Comparison.MetricComparison;
import dev.pier.controlplane.traffic.Comparison.Verdict;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Verdicts per metric from snapshots recorded the way the gateway records them. */
class ComparisonTest {
  private static final long MILLI = 1_000_000L;

  private final AtomicLong clock = new AtomicLong();
  private final Random random = new Random(7);

  private TargetStats target() {
    return new TargetStats(60, 1024, 1024, clock::get);
  }

  /** n requests with the given error rate, latencies around {@code latencyMillis} ms. */
  private void feed(
      TargetStats stats, int n, double errorRate, double latencyMillis, double[] classShares) {
    for (int i = 0; i < n; i++) {
      long latency = (long) (latencyMillis * MILLI * (0.8 + 0.4 * random.nextDouble()));
      stats.record(
          latency, random.nextDouble() < errorRate, new Prediction.Classified(pick(classShares)));
    }
  }

  private int pick(double[] shares) {
    double u = random.nextDouble();
    for (int i = 0; i < shares.length - 1; i++) {
      u -= shares[i];
      if (u < 0) {
        return i;
      }
    }
    return shares.length - 1;
  }

  @Test
  void aSlowerAndFailingCanaryIsWorseAndItsClassesDiffer() {
    TargetStats stable = target();
    TargetStats canary = target();
    feed(stable, 2000, 0.01, 10, new double[] {0.5, 0.3, 0.2});
    feed(canary, 2000, 0.05, 14, new double[] {0.2, 0.3, 0.5});
    Comparison comparison = Comparison.of(stable.snapshot(), canary.snapshot(), 0.05);

    assertThat(comparison.metrics())
        .extracting(MetricComparison::metric)
        .containsExactly(Comparison.ERROR_RATE, Comparison.LATENCY, Comparison.CLASS_DISTRIBUTION);
    MetricComparison errors = comparison.metric(Comparison.ERROR_RATE);
    assertThat(errors.verdict()).isEqualTo(Verdict.CANARY_WORSE);
    assertThat(errors.pValue()).isLessThan(0.001);
    assertThat(errors.canary()).isGreaterThan(errors.stable());
    MetricComparison latency = comparison.metric(Comparison.LATENCY);
    assertThat(latency.verdict()).isEqualTo(Verdict.CANARY_WORSE);
    assertThat(latency.stable()).isCloseTo(10.0 * MILLI, within(0.5 * MILLI));
    assertThat(latency.canary()).isCloseTo(14.0 * MILLI, within(0.7 * MILLI));
    MetricComparison classes = comparison.metric(Comparison.CLASS_DISTRIBUTION);
    assertThat(classes.verdict()).isEqualTo(Verdict.DIFFERENT);
    assertThat(classes.stable()).isCloseTo(0.5, within(0.05)); // stable's top class, class 0
    assertThat(classes.canary()).isCloseTo(0.2, within(0.05));
    assertThat(comparison.metric(Comparison.REGRESSION_MEAN)).isNull();
  }

  @Test
  void aBetterCanaryIsBetterAndTheSameOneIsNotDifferent() {
    TargetStats stable = target();
    TargetStats better = target();
    TargetStats same = target();
    double[] shares = {0.6, 0.4};
    feed(stable, 3000, 0.05, 20, shares);
    feed(better, 3000, 0.01, 12, shares);
    feed(same, 3000, 0.05, 20, shares);

    Comparison improved = Comparison.of(stable.snapshot(), better.snapshot(), 0.05);
    assertThat(improved.metric(Comparison.ERROR_RATE).verdict()).isEqualTo(Verdict.CANARY_BETTER);
    assertThat(improved.metric(Comparison.LATENCY).verdict()).isEqualTo(Verdict.CANARY_BETTER);

    // Fixed seed: these samples from the same distributions are not significantly different.
    Comparison unchanged = Comparison.of(stable.snapshot(), same.snapshot(), 0.01);
    assertThat(unchanged.metrics())
        .extracting(MetricComparison::verdict)
        .containsOnly(Verdict.NO_SIGNIFICANT_DIFFERENCE);
  }

  @Test
  void regressionMeansAreDifferentOrNot() {
    TargetStats stable = target();
    TargetStats canary = target();
    for (int i = 0; i < 200; i++) {
      stable.record(MILLI, false, new Prediction.Regressed(100 + 10 * random.nextGaussian()));
      canary.record(MILLI, false, new Prediction.Regressed(110 + 10 * random.nextGaussian()));
    }
    MetricComparison mean =
        Comparison.of(stable.snapshot(), canary.snapshot(), 0.05)
            .metric(Comparison.REGRESSION_MEAN);
    assertThat(mean.verdict()).isEqualTo(Verdict.DIFFERENT);
    assertThat(mean.stable()).isCloseTo(100, within(2.0));
    assertThat(mean.canary()).isCloseTo(110, within(2.0));
    assertThat(mean.pValue()).isLessThan(1e-10);
  }

  @Test
  void tooLittleTrafficIsNotEnoughData() {
    TargetStats stable = target();
    TargetStats canary = target();
    feed(stable, 1000, 0.1, 10, new double[] {1});
    feed(canary, 20, 0.5, 50, new double[] {1});
    canary.record(MILLI, false, new Prediction.Regressed(1));
    Comparison comparison = Comparison.of(stable.snapshot(), canary.snapshot(), 0.05);
    assertThat(comparison.metrics())
        .hasSize(4)
        .allSatisfy(
            metric -> {
              assertThat(metric.verdict()).isEqualTo(Verdict.NOT_ENOUGH_DATA);
              assertThat(metric.pValue()).isNull();
            });
    assertThat(comparison.metric(Comparison.ERROR_RATE).canary()).isCloseTo(0.5, within(0.3));

    Comparison nothing = Comparison.of(TargetSnapshot.empty(60), TargetSnapshot.empty(60), 0.05);
    assertThat(nothing.metrics())
        .hasSize(2)
        .allSatisfy(
            metric -> {
              assertThat(metric.verdict()).isEqualTo(Verdict.NOT_ENOUGH_DATA);
              assertThat(metric.stable()).isNull();
            });
    assertThatThrownBy(() -> Comparison.of(TargetSnapshot.empty(60), TargetSnapshot.empty(60), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void snapshotsAndComparisonsAreValidJson() {
    TargetStats stable = target();
    feed(stable, 100, 0.1, 10, new double[] {0.5, 0.5});
    JsonMapper json = JsonMapper.builder().build();
    String snapshot = json.writeValueAsString(stable.snapshot());
    assertThat(snapshot).contains("\"p99Nanos\":", "\"classCounts\":[", "\"regressionMean\":null");
    String comparison =
        json.writeValueAsString(Comparison.of(stable.snapshot(), TargetSnapshot.empty(60), 0.05));
    assertThat(comparison).contains("\"verdict\":\"NOT_ENOUGH_DATA\"", "\"alpha\":0.05");
    assertThat(json.readTree(comparison).get("metrics").size()).isEqualTo(3);
  }
}
