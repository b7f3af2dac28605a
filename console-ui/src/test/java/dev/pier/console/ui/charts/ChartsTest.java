package dev.pier.console.ui.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartsTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aTimeSeriesKeepsOnlyItsWindow() {
    TimeSeriesChart chart = new TimeSeriesChart("In flight", "requests", Duration.ofSeconds(10));
    for (int second = 0; second <= 20; second += 2) {
      chart.append(START.plusSeconds(second), Map.of("a", (double) second));
    }
    chart.append(START.plusSeconds(20), Map.of("b", 1.0));

    // 10..20 s for a (six points), one for b.
    assertThat(chart.seriesNames()).containsExactly("a", "b");
    assertThat(chart.pointCount()).isEqualTo(7);
    assertThat(chart.option().at("/series/0/data/0/0").asLong())
        .isEqualTo(START.plusSeconds(10).toEpochMilli());
    assertThat(chart.option().at("/yAxis/name").asString()).isEqualTo("requests");
    assertThat(chart.getElement().getClassList()).contains("pier-chart");
  }

  @Test
  void aCategoryChartWantsOneValuePerCategory() {
    CategoryChart chart = new CategoryChart("Predicted classes", "%");
    chart.setData(
        List.of("setosa", "virginica"),
        Map.of("stable", List.of(60.0, 40.0), "canary", List.of(55.0, 45.0)));
    assertThat(chart.option().at("/xAxis/data/1").asString()).isEqualTo("virginica");
    assertThat(chart.option().at("/series").size()).isEqualTo(2);

    assertThatThrownBy(() -> chart.setData(List.of("setosa"), Map.of("stable", List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stable");
  }
}
