package dev.pier.controlplane.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Reference values from scipy 1.17 (scipy.stats / scipy.special), and closed forms where one
 * exists: chi-squared with 2 df is {@code e^(-x/2)}, Student's t with 1 df is Cauchy ({@code 1 - 2
 * atan(t)/π}), with 2 df {@code 1 - t/sqrt(2 + t²)}; and the textbook critical values (z 1.95996,
 * χ²(1) 3.84146, χ²(10) 18.3070, t(10) 2.22814) that give p = 0.05.
 */
class SignificanceTest {
  private static final double TIGHT = 1e-10;

  @Test
  void normalTailMatchesTheCriticalValues() {
    assertThat(Significance.normalTwoSided(1.959963984540054)).isCloseTo(0.05, within(TIGHT));
    assertThat(Significance.normalTwoSided(-1.959963984540054)).isCloseTo(0.05, within(TIGHT));
    // 2 * scipy.stats.norm.sf(5) and 2 * norm.sf(0.1)
    assertThat(Significance.normalTwoSided(5)).isCloseTo(5.733031437583866e-07, within(1e-17));
    assertThat(Significance.normalTwoSided(0.1)).isCloseTo(0.920344325445942, within(TIGHT));
    assertThat(Significance.normalTwoSided(0)).isCloseTo(1.0, within(TIGHT));
  }

  @Test
  void incompleteGammaAndBetaMatchScipy() {
    // scipy.special.gammaincc(2.5, 1.0), gammaincc(10, 25)
    assertThat(Significance.regularizedGammaQ(2.5, 1.0))
        .isCloseTo(0.8491450360846096, within(TIGHT));
    assertThat(Significance.regularizedGammaQ(10, 25))
        .isCloseTo(0.0002214766382487835, within(1e-14));
    // scipy.special.betainc(2, 3, 0.4) = 0.5248 exactly (a polynomial), betainc(0.5, 5, 0.9)
    assertThat(Significance.regularizedBeta(0.4, 2, 3)).isCloseTo(0.5248, within(TIGHT));
    assertThat(Significance.regularizedBeta(0.9, 0.5, 5))
        .isCloseTo(0.9999974294103009, within(TIGHT));
    assertThat(Significance.logGamma(5)).isCloseTo(Math.log(24), within(1e-13));
    assertThat(Significance.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-13));
  }

  @Test
  void chiSquaredTailMatchesTablesAndClosedForms() {
    assertThat(Significance.chiSquaredUpperTail(3.841458820694124, 1))
        .isCloseTo(0.05, within(TIGHT));
    assertThat(Significance.chiSquaredUpperTail(18.307038053275146, 10))
        .isCloseTo(0.05, within(TIGHT));
    assertThat(Significance.chiSquaredUpperTail(5.0, 2)).isCloseTo(Math.exp(-2.5), within(TIGHT));
    // scipy.stats.chi2.sf(100, 50), chi2.sf(0.5, 3)
    assertThat(Significance.chiSquaredUpperTail(100, 50))
        .isCloseTo(3.454931382984871e-05, within(1e-14));
    assertThat(Significance.chiSquaredUpperTail(0.5, 3))
        .isCloseTo(0.9188914116546758, within(TIGHT));
  }

  @Test
  void studentTailMatchesTablesAndClosedForms() {
    assertThat(Significance.studentTTwoSided(2.228138851986274, 10)).isCloseTo(0.05, within(TIGHT));
    assertThat(Significance.studentTTwoSided(1, 1)).isCloseTo(0.5, within(TIGHT));
    assertThat(Significance.studentTTwoSided(2, 2)).isCloseTo(1 - 2 / Math.sqrt(6), within(TIGHT));
    // 2 * scipy.stats.t.sf(3.5, 67.19), 2 * t.sf(0.3, 1000)
    assertThat(Significance.studentTTwoSided(3.5, 67.19))
        .isCloseTo(0.0008310541921495398, within(1e-13));
    assertThat(Significance.studentTTwoSided(-0.3, 1000))
        .isCloseTo(0.7642395041672441, within(TIGHT));
  }

  @Test
  void twoProportionsMatchesPropTestWithoutCorrection() {
    // 50/1000 vs 80/1000: z = -2.7211; scipy chi2_contingency([[50,950],[80,920]],
    // correction=False) p = 0.00650659748363784 (the same test, χ² = z²).
    assertThat(Significance.twoProportions(50, 1000, 80, 1000).getAsDouble())
        .isCloseTo(0.00650659748363784, within(TIGHT));
    assertThat(Significance.twoProportions(0, 500, 0, 400).getAsDouble()).isEqualTo(1.0);
  }

  @Test
  void twoProportionsNeedsEnoughData() {
    assertThat(Significance.twoProportions(1, 29, 3, 1000)).isEmpty();
    // Pooled expected errors 2/60 · 30 = 1 < 5.
    assertThat(Significance.twoProportions(0, 30, 2, 30)).isEmpty();
  }

  @Test
  void mannWhitneyMatchesScipyAsymptotic() {
    // scipy's documented example: mannwhitneyu(males, females, method="asymptotic")
    Significance.RankTest doc =
        Significance.mannWhitneyU(new double[] {19, 22, 16, 29, 24}, new double[] {20, 11, 17, 12});
    assertThat(doc.u1()).isEqualTo(17);
    assertThat(doc.pValue()).isCloseTo(0.11134688653314041, within(TIGHT));
    // With ties: mannwhitneyu(x, y, method="asymptotic") → U = 16, p = 0.010277360647077386
    Significance.RankTest ties =
        Significance.mannWhitneyU(
            new double[] {1, 2, 2, 3, 3, 3, 4, 4, 5, 6},
            new double[] {3, 4, 4, 5, 5, 6, 6, 6, 7, 8});
    assertThat(ties.u1()).isEqualTo(16);
    assertThat(ties.pValue()).isCloseTo(0.010277360647077386, within(TIGHT));
    // All values equal: no evidence of anything.
    assertThat(Significance.mannWhitneyU(new double[] {1, 1, 1}, new double[] {1, 1}).pValue())
        .isEqualTo(1.0);
  }

  @Test
  void mannWhitneyNeedsThirtyPerSide() {
    List<Long> small = new ArrayList<>();
    List<Long> large = new ArrayList<>();
    Random random = new Random(1);
    for (int i = 0; i < 100; i++) {
      large.add(random.nextLong(1000));
      if (i < 29) {
        small.add(random.nextLong(1000) + 1000);
      }
    }
    assertThat(Significance.mannWhitney(small, large)).isEmpty();
    small.add(2000L);
    assertThat(Significance.mannWhitney(small, large).getAsDouble()).isLessThan(1e-6);
  }

  @Test
  void chiSquaredHomogeneityMatchesScipy() {
    // chi2_contingency([[10,20,30],[20,20,20]], correction=False): χ² = 16/3, df 2,
    // p = e^(-8/3) = 0.0694834512228015
    assertThat(
            Significance.chiSquaredHomogeneity(new long[] {10, 20, 30}, new long[] {20, 20, 20})
                .getAsDouble())
        .isCloseTo(0.0694834512228015, within(TIGHT));
    // chi2_contingency([[40,30,20,10],[30,30,25,15]]): χ² = 2.98413, df 3, p = 0.39407896313656443
    // (the vectors' lengths may differ: missing classes count 0, all-zero columns are left out)
    assertThat(
            Significance.chiSquaredHomogeneity(
                    new long[] {40, 30, 20, 10, 0}, new long[] {30, 30, 25, 15})
                .getAsDouble())
        .isCloseTo(0.39407896313656443, within(TIGHT));
  }

  @Test
  void chiSquaredHomogeneityPoolsRareClassesAndNeedsEnoughData() {
    // Classes 2 and 3 are rare: pooled into one column, which reaches 5 expected per side:
    // the table is then [[40,30,8],[30,30,10]] — chi2_contingency p = 0.5428263792003329
    assertThat(
            Significance.chiSquaredHomogeneity(new long[] {40, 30, 4, 4}, new long[] {30, 30, 5, 5})
                .getAsDouble())
        .isCloseTo(0.5428263792003329, within(TIGHT));
    assertThat(Significance.chiSquaredHomogeneity(new long[] {29}, new long[] {100})).isEmpty();
    // One class on both sides: the same distribution.
    assertThat(Significance.chiSquaredHomogeneity(new long[] {50}, new long[] {80}).getAsDouble())
        .isEqualTo(1.0);
  }

  @Test
  void welchMatchesScipyFromSummaryStatistics() {
    // scipy.stats.ttest_ind_from_stats(10, 2, 30, 11, 3, 40, equal_var=False)
    assertThat(Significance.welch(10, 2, 30, 11, 3, 40).getAsDouble())
        .isCloseTo(0.09946541117633102, within(TIGHT));
    // ttest_ind_from_stats(5.0, 1.0, 50, 5.1, 1.2, 60, equal_var=False)
    assertThat(Significance.welch(5.0, 1.0, 50, 5.1, 1.2, 60).getAsDouble())
        .isCloseTo(0.6345166524840539, within(TIGHT));
    assertThat(Significance.welch(1, 0, 30, 1, 0, 30).getAsDouble()).isEqualTo(1.0);
    assertThat(Significance.welch(10, 2, 29, 11, 3, 40)).isEmpty();
  }
}
