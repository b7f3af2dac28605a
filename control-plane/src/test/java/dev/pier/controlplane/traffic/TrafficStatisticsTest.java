package dev.pier.controlplane.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Targets per endpoint, created on demand, reset for a new rollout and forgotten on deletion. */
class TrafficStatisticsTest {
  private final AtomicLong clock = new AtomicLong();
  private final TrafficStatistics statistics = new TrafficStatistics(60, clock::get);

  @Test
  void targetsAreCreatedOnDemandAndKeptPerEndpoint() {
    TargetStats stable = statistics.statsFor("flowers", "stable");
    assertThat(statistics.statsFor("flowers", "stable")).isSameAs(stable);
    stable.record(1_000_000, false, Prediction.NONE);
    statistics.statsFor("flowers", "canary").record(2_000_000, true, Prediction.NONE);
    statistics.statsFor("houses", "stable").record(1_000_000, false, Prediction.NONE);

    var snapshot = statistics.snapshot("flowers");
    assertThat(snapshot.keySet()).containsExactly("canary", "stable");
    assertThat(snapshot.get("stable").requests()).isEqualTo(1);
    assertThat(snapshot.get("canary").errors()).isEqualTo(1);
    assertThat(statistics.snapshot("nowhere")).isEmpty();
  }

  @Test
  void shadowAgreementIsOnTheShadowTarget() {
    statistics.recordShadow("flowers", true);
    statistics.recordShadow("flowers", false);
    TargetSnapshot shadow = statistics.snapshot("flowers").get(TrafficStatistics.SHADOW);
    assertThat(shadow.shadowAgreementRate()).isEqualTo(0.5);

    statistics.recordShadowDropped("flowers");
    assertThat(statistics.snapshot("flowers").get(TrafficStatistics.SHADOW).shadowDropped())
        .isEqualTo(1);
  }

  @Test
  void oneTargetCanStartFromZeroWhileTheOthersKeepTheirNumbers() {
    statistics.statsFor("flowers", "stable").record(1_000_000, false, Prediction.NONE);
    statistics.recordShadow("flowers", true);

    statistics.reset("flowers", TrafficStatistics.SHADOW);

    assertThat(statistics.snapshot("flowers").keySet()).containsExactly("stable");
    statistics.reset("nowhere", TrafficStatistics.SHADOW);
    assertThat(statistics.snapshot("nowhere")).isEmpty();
  }

  @Test
  void resetStartsFromZeroAndForgetDropsTheEndpoint() {
    TargetStats before = statistics.statsFor("flowers", "stable");
    before.record(1_000_000, false, Prediction.NONE);
    statistics.statsFor("houses", "stable").record(1_000_000, false, Prediction.NONE);

    statistics.reset("flowers");
    assertThat(statistics.snapshot("flowers")).isEmpty();
    // A request of the previous rollout still in flight records into the old target, unseen.
    before.record(1_000_000, false, Prediction.NONE);
    assertThat(statistics.statsFor("flowers", "stable").snapshot().requests()).isZero();
    assertThat(statistics.snapshot("houses").get("stable").requests()).isEqualTo(1);

    statistics.forget("houses");
    assertThat(statistics.snapshot("houses")).isEmpty();
  }

  @Test
  void retainKeepsOnlyTheEndpointsThatStillExist() {
    statistics.statsFor("flowers", "stable").record(1_000_000, false, Prediction.NONE);
    statistics.statsFor("houses", "canary").record(1_000_000, true, Prediction.NONE);

    statistics.retain(java.util.Set.of("flowers"));

    assertThat(statistics.snapshot("flowers").get("stable").requests()).isEqualTo(1);
    assertThat(statistics.snapshot("houses")).isEmpty();
  }
}
