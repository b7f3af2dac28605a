package dev.pier.console.endpoints;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import dev.pier.console.ui.charts.CategoryChart;
import dev.pier.console.ui.charts.TimeSeriesChart;
import dev.pier.controlplane.rollouts.TrafficComparison;
import dev.pier.controlplane.traffic.Comparison;
import dev.pier.controlplane.traffic.TargetSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The live comparison of an endpoint's targets: request rate, error rate and latency per target as
 * time series, the predicted classes of stable and canary side by side, and the significance
 * verdict of each metric. Fed one {@link TrafficComparison} per poll.
 */
class TrafficCharts extends VerticalLayout {
  private static final double NANOS_PER_MILLI = 1e6;

  private final TimeSeriesChart rate = new TimeSeriesChart("Requests", "req/s");
  private final TimeSeriesChart errors = new TimeSeriesChart("Error rate", "%");
  private final TimeSeriesChart latency = new TimeSeriesChart("Latency", "ms");
  private final CategoryChart classes = new CategoryChart("Predicted classes", "%");
  private final Grid<Comparison.MetricComparison> verdicts =
      new Grid<>(Comparison.MetricComparison.class, false);
  private final List<String> labels;

  /**
   * @param labels class names of the stable version (from the registry), or empty for indexes
   */
  TrafficCharts(List<String> labels) {
    this.labels = labels;
    setPadding(false);
    rate.setId("rate-chart");
    errors.setId("error-chart");
    latency.setId("latency-chart");
    classes.setId("class-chart");
    Div charts = new Div(rate, errors, latency, classes);
    charts.addClassName("pier-charts");

    verdicts.addColumn(Comparison.MetricComparison::metric).setHeader("Metric");
    verdicts.addColumn(metric -> value(metric.metric(), metric.stable())).setHeader("Stable");
    verdicts.addColumn(metric -> value(metric.metric(), metric.canary())).setHeader("Canary");
    verdicts.addColumn(metric -> number(metric.pValue())).setHeader("p-value");
    verdicts
        .addColumn(metric -> metric.verdict().name().replace('_', ' ').toLowerCase(Locale.ROOT))
        .setHeader("Verdict");
    verdicts.setAllRowsVisible(true);
    verdicts.setId("verdicts");
    add(charts, verdicts);
  }

  void show(TrafficComparison comparison) {
    Instant now = Instant.now();
    Map<String, Double> rates = new LinkedHashMap<>();
    Map<String, Double> errorRates = new LinkedHashMap<>();
    Map<String, Double> latencies = new LinkedHashMap<>();
    comparison
        .targets()
        .forEach(
            (target, snapshot) -> {
              rates.put(target, snapshot.requestsPerSecond());
              errorRates.put(target, snapshot.errorRate() * 100);
              if (snapshot.requests() > 0) {
                latencies.put(target + " p50", snapshot.p50Nanos() / NANOS_PER_MILLI);
                latencies.put(target + " p99", snapshot.p99Nanos() / NANOS_PER_MILLI);
              }
            });
    rate.append(now, rates);
    errors.append(now, errorRates);
    latency.append(now, latencies);
    showClasses(comparison.targets());
    verdicts.setItems(
        comparison.comparison() == null ? List.of() : comparison.comparison().metrics());
  }

  /** Class shares of stable and canary, in percent of each one's predictions. */
  private void showClasses(Map<String, TargetSnapshot> targets) {
    Map<String, TargetSnapshot> compared = new LinkedHashMap<>();
    for (String target : List.of("stable", "canary")) {
      TargetSnapshot snapshot = targets.get(target);
      if (snapshot != null && !snapshot.classCounts().isEmpty()) {
        compared.put(target, snapshot);
      }
    }
    if (compared.isEmpty()) {
      return;
    }
    int classCount =
        compared.values().stream().mapToInt(s -> s.classCounts().size()).max().orElse(0);
    List<String> categories = new ArrayList<>();
    for (int index = 0; index < classCount; index++) {
      categories.add(index < labels.size() ? labels.get(index) : "class " + index);
    }
    Map<String, List<Double>> series = new LinkedHashMap<>();
    compared.forEach(
        (target, snapshot) -> {
          long total = snapshot.classCounts().stream().mapToLong(Long::longValue).sum();
          List<Double> shares = new ArrayList<>();
          for (int index = 0; index < classCount; index++) {
            long count =
                index < snapshot.classCounts().size() ? snapshot.classCounts().get(index) : 0;
            shares.add(total == 0 ? 0 : 100.0 * count / total);
          }
          series.put(target, shares);
        });
    classes.setData(categories, series);
  }

  /** A compared value in the unit people read it in: latency in ms, rates and shares in %. */
  private static String value(String metric, Double value) {
    if (value == null) {
      return "";
    }
    return switch (metric) {
      case Comparison.LATENCY -> String.format(Locale.ROOT, "%.2f ms", value / NANOS_PER_MILLI);
      case Comparison.ERROR_RATE, Comparison.CLASS_DISTRIBUTION ->
          String.format(Locale.ROOT, "%.1f %%", value * 100);
      default -> number(value);
    };
  }

  private static String number(Double value) {
    return value == null ? "" : String.format(Locale.ROOT, "%.4g", value);
  }
}
