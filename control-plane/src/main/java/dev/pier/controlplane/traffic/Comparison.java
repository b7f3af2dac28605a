package dev.pier.controlplane.traffic;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A canary compared with the stable target over the same window, metric by metric, as a rollout's
 * live view and SLO gates show it. Returned by the REST API as is.
 *
 * <p>Metrics: {@value #ERROR_RATE} (two-proportion z-test; values are rates), {@value #LATENCY}
 * (Mann–Whitney U on the latency samples; values are the p50 in nanoseconds), and when either side
 * predicted anything, {@value #CLASS_DISTRIBUTION} (χ² homogeneity; values are the share of the
 * stable target's most frequent class on each side) and {@value #REGRESSION_MEAN} (Welch's t;
 * values are the means). Lower error rate and latency are better; a prediction distribution is only
 * ever {@link Verdict#DIFFERENT}, never better or worse.
 *
 * @param alpha the significance level the verdicts use
 * @param metrics one result per metric, in the order above
 */
public record Comparison(double alpha, List<MetricComparison> metrics) {
  public static final String ERROR_RATE = "errorRate";
  public static final String LATENCY = "latency";
  public static final String CLASS_DISTRIBUTION = "classDistribution";
  public static final String REGRESSION_MEAN = "regressionMean";

  public Comparison {
    metrics = List.copyOf(metrics);
  }

  /** What a metric's test concluded at {@link #alpha()}. */
  public enum Verdict {
    NOT_ENOUGH_DATA,
    NO_SIGNIFICANT_DIFFERENCE,
    CANARY_BETTER,
    CANARY_WORSE,
    DIFFERENT
  }

  /**
   * @param metric one of the metric names of {@link Comparison}
   * @param stable the stable target's value (null where it has none)
   * @param canary the canary's value (null where it has none)
   * @param pValue the test's two-sided p-value, null with {@link Verdict#NOT_ENOUGH_DATA}
   * @param verdict the conclusion at the comparison's alpha
   */
  public record MetricComparison(
      String metric, Double stable, Double canary, Double pValue, Verdict verdict) {}

  /** The result for one metric, or null when it was not compared. */
  public MetricComparison metric(String name) {
    for (MetricComparison metric : metrics) {
      if (metric.metric().equals(name)) {
        return metric;
      }
    }
    return null;
  }

  /** Compares the canary with stable at significance level {@code alpha} (e.g. 0.05). */
  public static Comparison of(TargetSnapshot stable, TargetSnapshot canary, double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha);
    }
    List<MetricComparison> metrics = new ArrayList<>(4);
    metrics.add(errorRate(stable, canary, alpha));
    metrics.add(latency(stable, canary, alpha));
    if (!stable.classCounts().isEmpty()
        || !canary.classCounts().isEmpty()
        || stable.otherClassCount() + canary.otherClassCount() > 0) {
      metrics.add(classes(stable, canary, alpha));
    }
    if (stable.regressionCount() + canary.regressionCount() > 0) {
      metrics.add(regression(stable, canary, alpha));
    }
    return new Comparison(alpha, metrics);
  }

  private static MetricComparison errorRate(
      TargetSnapshot stable, TargetSnapshot canary, double alpha) {
    OptionalDouble p =
        Significance.twoProportions(
            stable.errors(), stable.requests(), canary.errors(), canary.requests());
    return directed(
        ERROR_RATE,
        stable.requests() == 0 ? null : stable.errorRate(),
        canary.requests() == 0 ? null : canary.errorRate(),
        p,
        alpha,
        Double.compare(canary.errorRate(), stable.errorRate()));
  }

  private static MetricComparison latency(
      TargetSnapshot stable, TargetSnapshot canary, double alpha) {
    List<Long> s = stable.latencySampleNanos();
    List<Long> c = canary.latencySampleNanos();
    Double stableP50 = stable.requests() == 0 ? null : (double) stable.p50Nanos();
    Double canaryP50 = canary.requests() == 0 ? null : (double) canary.p50Nanos();
    if (s.size() < Significance.MIN_SAMPLES || c.size() < Significance.MIN_SAMPLES) {
      return notEnough(LATENCY, stableP50, canaryP50);
    }
    Significance.RankTest test = Significance.mannWhitneyU(toArray(c), toArray(s));
    // U of the canary above n1·n2/2: its latencies tend to rank higher, i.e. slower.
    double middle = c.size() * (double) s.size() / 2;
    return directed(
        LATENCY,
        stableP50,
        canaryP50,
        OptionalDouble.of(test.pValue()),
        alpha,
        Double.compare(test.u1(), middle));
  }

  private static MetricComparison classes(
      TargetSnapshot stable, TargetSnapshot canary, double alpha) {
    long[] s = withOther(stable);
    long[] c = withOther(canary);
    int top = 0;
    for (int i = 1; i < s.length; i++) {
      if (s[i] > s[top]) {
        top = i;
      }
    }
    OptionalDouble p = Significance.chiSquaredHomogeneity(s, c);
    return undirected(CLASS_DISTRIBUTION, share(s, top), share(c, top), p, alpha);
  }

  private static MetricComparison regression(
      TargetSnapshot stable, TargetSnapshot canary, double alpha) {
    OptionalDouble p =
        stable.regressionStddev() == null || canary.regressionStddev() == null
            ? OptionalDouble.empty()
            : Significance.welch(
                stable.regressionMean(),
                stable.regressionStddev(),
                stable.regressionCount(),
                canary.regressionMean(),
                canary.regressionStddev(),
                canary.regressionCount());
    return undirected(REGRESSION_MEAN, stable.regressionMean(), canary.regressionMean(), p, alpha);
  }

  /** Lower is better: {@code canaryHigher} > 0 when the canary's value is the higher one. */
  private static MetricComparison directed(
      String metric,
      Double stable,
      Double canary,
      OptionalDouble p,
      double alpha,
      int canaryHigher) {
    if (p.isEmpty()) {
      return notEnough(metric, stable, canary);
    }
    double pValue = p.getAsDouble();
    Verdict verdict;
    if (pValue >= alpha || canaryHigher == 0) {
      verdict = Verdict.NO_SIGNIFICANT_DIFFERENCE;
    } else {
      verdict = canaryHigher > 0 ? Verdict.CANARY_WORSE : Verdict.CANARY_BETTER;
    }
    return new MetricComparison(metric, stable, canary, pValue, verdict);
  }

  private static MetricComparison undirected(
      String metric, Double stable, Double canary, OptionalDouble p, double alpha) {
    if (p.isEmpty()) {
      return notEnough(metric, stable, canary);
    }
    double pValue = p.getAsDouble();
    Verdict verdict = pValue < alpha ? Verdict.DIFFERENT : Verdict.NO_SIGNIFICANT_DIFFERENCE;
    return new MetricComparison(metric, stable, canary, pValue, verdict);
  }

  private static MetricComparison notEnough(String metric, Double stable, Double canary) {
    return new MetricComparison(metric, stable, canary, null, Verdict.NOT_ENOUGH_DATA);
  }

  /** The class counts with "other" as one more column. */
  private static long[] withOther(TargetSnapshot snapshot) {
    List<Long> counts = snapshot.classCounts();
    long[] all = new long[counts.size() + 1];
    for (int i = 0; i < counts.size(); i++) {
      all[i] = counts.get(i);
    }
    all[counts.size()] = snapshot.otherClassCount();
    return all;
  }

  private static Double share(long[] counts, int index) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total == 0 ? null : (index < counts.length ? counts[index] : 0) / (double) total;
  }

  private static double[] toArray(List<Long> values) {
    double[] array = new double[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }
}
