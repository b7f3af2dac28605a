package dev.pier.controlplane.traffic;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Two-sided significance tests that compare a canary with the stable target. Each returns the
 * p-value, or empty when the samples are too small for the test's approximation to mean anything
 * (fewer than {@link #MIN_SAMPLES} per side, or expected counts below 5).
 *
 * <p>The distributions are computed here rather than taken from a library: the standard normal
 * through {@code erfc(x) = Q(1/2, x^2)}, chi-squared through {@code Q(df/2, x/2)}, both with the
 * regularized upper incomplete gamma function Q (series for {@code x < a + 1}, Lentz's continued
 * fraction otherwise; Numerical Recipes §6.2), and Student's t through the regularized incomplete
 * beta function ({@code p = I_{df/(df+t^2)}(df/2, 1/2)}, continued fraction, NR §6.4). All agree
 * with scipy to about 1e-12.
 */
public final class Significance {
  /** The fewest observations per side any test here accepts. */
  public static final int MIN_SAMPLES = 30;

  private static final double EPSILON = 1e-15;
  private static final double TINY = 1e-300;
  private static final int MAX_ITERATIONS = 10_000;

  private Significance() {}

  /**
   * Two-proportion z-test for error rates: {@code z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2))}
   * with the pooled {@code p = (x1 + x2) / (n1 + n2)}; two-sided {@code p-value = erfc(|z|/√2)}.
   * The same as R's {@code prop.test(correct = FALSE)}. Needs n ≥ 30 per side and pooled expected
   * successes and failures ≥ 5 per side; two error-free sides of 30 or more give 1.
   */
  public static OptionalDouble twoProportions(long x1, long n1, long x2, long n2) {
    if (n1 < MIN_SAMPLES || n2 < MIN_SAMPLES || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2) {
      return OptionalDouble.empty();
    }
    if (x1 == 0 && x2 == 0 || x1 == n1 && x2 == n2) {
      return OptionalDouble.of(1.0);
    }
    double pooled = (double) (x1 + x2) / (n1 + n2);
    double smaller = Math.min(n1, n2);
    if (pooled * smaller < 5 || (1 - pooled) * smaller < 5) {
      return OptionalDouble.empty();
    }
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
    double z = ((double) x1 / n1 - (double) x2 / n2) / se;
    return OptionalDouble.of(normalTwoSided(z));
  }

  /**
   * Mann–Whitney U test (normal approximation, tie correction, continuity correction 0.5), as
   * scipy's {@code mannwhitneyu(x, y, method="asymptotic")} and R's {@code wilcox.test(exact =
   * FALSE)}: {@code U1 = R1 - n1 (n1 + 1) / 2}, {@code σ² = n1 n2 / 12 · ((n + 1) - Σ(t³ - t) / (n
   * (n - 1)))}, {@code z = (|U1 - n1 n2 / 2| - 0.5) / σ}. Needs 30 values per side.
   */
  public static OptionalDouble mannWhitney(List<Long> x, List<Long> y) {
    if (x.size() < MIN_SAMPLES || y.size() < MIN_SAMPLES) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(mannWhitneyU(toArray(x), toArray(y)).pValue());
  }

  /** U1 of the first sample and the two-sided p-value, without the sample-size guard. */
  record RankTest(double u1, double pValue) {}

  static RankTest mannWhitneyU(double[] x, double[] y) {
    int n1 = x.length;
    int n2 = y.length;
    int n = n1 + n2;
    double[] all = new double[n];
    boolean[] first = new boolean[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      all[i] = i < n1 ? x[i] : y[i - n1];
      first[i] = i < n1;
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
    double rankSumX = 0;
    double ties = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && all[order[j + 1]] == all[order[i]]) {
        j++;
      }
      double rank = (i + j + 2) / 2.0; // ranks i+1 … j+1 share their mean
      for (int k = i; k <= j; k++) {
        if (first[order[k]]) {
          rankSumX += rank;
        }
      }
      double t = j - i + 1;
      ties += t * t * t - t;
      i = j + 1;
    }
    double u1 = rankSumX - n1 * (n1 + 1) / 2.0;
    double mean = n1 * (double) n2 / 2.0;
    double variance = n1 * (double) n2 / 12.0 * ((n + 1) - ties / ((double) n * (n - 1)));
    if (variance <= 0) {
      return new RankTest(u1, 1.0); // every value equal
    }
    double z = Math.max(0, Math.abs(u1 - mean) - 0.5) / Math.sqrt(variance);
    return new RankTest(u1, normalTwoSided(z));
  }

  /**
   * Chi-squared test of homogeneity of two count vectors (a 2×k table): {@code χ² = Σ (O - E)² / E}
   * with {@code E = row total · column total / N}, {@code df = k - 1}, {@code p = Q(df/2, χ²/2)}.
   * Columns with both counts 0 are left out, and columns whose expected count is below 5 in either
   * row are pooled into one (dropped if that one is still below 5) so the approximation holds; one
   * column left means identical distributions (p = 1). Needs 30 counts per side.
   */
  public static OptionalDouble chiSquaredHomogeneity(long[] first, long[] second) {
    int k = Math.max(first.length, second.length);
    long[] a = Arrays.copyOf(first, k);
    long[] b = Arrays.copyOf(second, k);
    long rowA = Arrays.stream(a).sum();
    long rowB = Arrays.stream(b).sum();
    if (rowA < MIN_SAMPLES || rowB < MIN_SAMPLES) {
      return OptionalDouble.empty();
    }
    double total = rowA + rowB;
    long[] keptA = new long[k + 1];
    long[] keptB = new long[k + 1];
    int columns = 0;
    long pooledA = 0;
    long pooledB = 0;
    for (int j = 0; j < k; j++) {
      long column = a[j] + b[j];
      if (column == 0) {
        continue;
      }
      if (Math.min(rowA, rowB) * column / total < 5) {
        pooledA += a[j];
        pooledB += b[j];
      } else {
        keptA[columns] = a[j];
        keptB[columns] = b[j];
        columns++;
      }
    }
    if (Math.min(rowA, rowB) * (pooledA + pooledB) / total >= 5) {
      keptA[columns] = pooledA;
      keptB[columns] = pooledB;
      columns++;
    }
    if (columns == 0) {
      return OptionalDouble.empty();
    }
    if (columns == 1) {
      return OptionalDouble.of(1.0);
    }
    return OptionalDouble.of(chiSquaredStatisticP(keptA, keptB, columns));
  }

  /** Pearson's χ² p-value of the first {@code columns} columns, without guards. */
  static double chiSquaredStatisticP(long[] a, long[] b, int columns) {
    double rowA = 0;
    double rowB = 0;
    for (int j = 0; j < columns; j++) {
      rowA += a[j];
      rowB += b[j];
    }
    double total = rowA + rowB;
    double chi = 0;
    for (int j = 0; j < columns; j++) {
      double column = a[j] + b[j];
      double expectedA = rowA * column / total;
      double expectedB = rowB * column / total;
      chi += (a[j] - expectedA) * (a[j] - expectedA) / expectedA;
      chi += (b[j] - expectedB) * (b[j] - expectedB) / expectedB;
    }
    return chiSquaredUpperTail(chi, columns - 1);
  }

  /**
   * Welch's t-test for two means from summary statistics: {@code t = (m1 - m2) / sqrt(s1²/n1 +
   * s2²/n2)}, Welch–Satterthwaite {@code df = (s1²/n1 + s2²/n2)² / ((s1²/n1)²/(n1-1) +
   * (s2²/n2)²/(n2-1))}, the p-value from Student's t (exact, through the incomplete beta; no normal
   * approximation). Needs 30 per side; two constant samples give 1 if equal, 0 if not.
   */
  public static OptionalDouble welch(
      double mean1, double stddev1, long n1, double mean2, double stddev2, long n2) {
    if (n1 < MIN_SAMPLES || n2 < MIN_SAMPLES) {
      return OptionalDouble.empty();
    }
    double v1 = stddev1 * stddev1 / n1;
    double v2 = stddev2 * stddev2 / n2;
    if (v1 + v2 == 0) {
      return OptionalDouble.of(mean1 == mean2 ? 1.0 : 0.0);
    }
    double t = (mean1 - mean2) / Math.sqrt(v1 + v2);
    double df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1));
    return OptionalDouble.of(studentTTwoSided(t, df));
  }

  // ---- distributions ----

  /** Two-sided tail of the standard normal: P(|Z| ≥ |z|) = erfc(|z| / √2). */
  static double normalTwoSided(double z) {
    return erfc(Math.abs(z) / Math.sqrt(2));
  }

  /** The complementary error function for x ≥ 0: Q(1/2, x²). */
  static double erfc(double x) {
    if (x < 0) {
      return 2 - erfc(-x);
    }
    return regularizedGammaQ(0.5, x * x);
  }

  /** P(χ²_df ≥ x). */
  static double chiSquaredUpperTail(double x, double df) {
    if (x <= 0) {
      return 1.0;
    }
    return regularizedGammaQ(df / 2, x / 2);
  }

  /** P(|T_df| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2). */
  static double studentTTwoSided(double t, double df) {
    if (!Double.isFinite(t)) {
      return 0.0;
    }
    return regularizedBeta(df / (df + t * t), df / 2, 0.5);
  }

  /** The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a). */
  static double regularizedGammaQ(double a, double x) {
    if (x <= 0) {
      return 1.0;
    }
    if (x < a + 1) {
      return 1.0 - gammaSeries(a, x);
    }
    return gammaContinuedFraction(a, x);
  }

  /** P(a, x) by its series: e^-x x^a / Γ(a) · Σ x^n / (a (a+1) … (a+n)). */
  private static double gammaSeries(double a, double x) {
    double term = 1.0 / a;
    double sum = term;
    for (int n = 1; n < MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) {
        break;
      }
    }
    return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }

  /** Q(a, x) by its continued fraction, evaluated with the modified Lentz method. */
  private static double gammaContinuedFraction(double a, double x) {
    double b = x + 1 - a;
    double c = 1 / TINY;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = 1 / awayFromZero(an * d + b);
      c = awayFromZero(b + an / c);
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPSILON) {
        break;
      }
    }
    return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }

  /** The regularized incomplete beta function I_x(a, b). */
  static double regularizedBeta(double x, double a, double b) {
    if (x <= 0) {
      return 0.0;
    }
    if (x >= 1) {
      return 1.0;
    }
    double front =
        Math.exp(
            logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
    // The continued fraction converges fast for x < (a+1)/(a+b+2); otherwise use the symmetry.
    if (x < (a + 1) / (a + b + 2)) {
      return front * betaContinuedFraction(x, a, b) / a;
    }
    return 1.0 - front * betaContinuedFraction(1 - x, b, a) / b;
  }

  private static double betaContinuedFraction(double x, double a, double b) {
    double qab = a + b;
    double qap = a + 1;
    double qam = a - 1;
    double c = 1;
    double d = 1 / awayFromZero(1 - qab * x / qap);
    double h = d;
    for (int m = 1; m < MAX_ITERATIONS; m++) {
      int m2 = 2 * m;
      // Each iteration takes the even then the odd term of the fraction (modified Lentz).
      double even = m * (b - m) * x / ((qam + m2) * (a + m2));
      d = 1 / awayFromZero(1 + even * d);
      c = awayFromZero(1 + even / c);
      h *= d * c;
      double odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
      d = 1 / awayFromZero(1 + odd * d);
      c = awayFromZero(1 + odd / c);
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPSILON) {
        break;
      }
    }
    return h;
  }

  /** Lentz's guard: a denominator that is (nearly) zero is replaced by a tiny one. */
  private static double awayFromZero(double value) {
    return Math.abs(value) < TINY ? TINY : value;
  }

  private static final double[] LANCZOS = {
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7
  };

  /** ln Γ(x) for x > 0 by the Lanczos approximation (g = 7, n = 9; about 15 digits). */
  static double logGamma(double x) {
    if (x < 0.5) {
      // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    x -= 1;
    double sum = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      sum += LANCZOS[i] / (x + i);
    }
    double t = x + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
  }

  private static double[] toArray(List<Long> values) {
    double[] array = new double[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }
}
