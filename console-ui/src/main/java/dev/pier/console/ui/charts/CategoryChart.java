package dev.pier.console.ui.charts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bars for categories × series, e.g. the share of each predicted class on stable vs. canary: {@code
 * setData(List.of("setosa", "versicolor"), Map.of("stable", List.of(0.4, 0.6), ...))}. Each call
 * replaces what the chart shows.
 */
public class CategoryChart extends PierChart {
  private static final long serialVersionUID = 1L;

  private List<String> categories = List.of();
  private Map<String, List<Double>> series = Map.of();
  private boolean stacked;

  public CategoryChart(String title, String unit) {
    super(title, unit);
  }

  /** Stacks the series' bars per category instead of placing them side by side. */
  public void setStacked(boolean stacked) {
    this.stacked = stacked;
    sendOption();
  }

  /** One value per category in each series, in the categories' order. */
  public void setData(List<String> categories, Map<String, List<Double>> series) {
    series.forEach(
        (name, values) -> {
          if (values.size() != categories.size()) {
            throw new IllegalArgumentException(
                "series "
                    + name
                    + " has "
                    + values.size()
                    + " values for "
                    + categories.size()
                    + " categories");
          }
        });
    this.categories = List.copyOf(categories);
    this.series = new LinkedHashMap<>(series);
    sendOption();
  }

  public List<String> categories() {
    return categories;
  }

  public List<String> seriesNames() {
    return List.copyOf(series.keySet());
  }

  @Override
  ObjectNode option() {
    ObjectNode option = baseOption("axis");
    ArrayNode names = option.putObject("xAxis").put("type", "category").putArray("data");
    categories.forEach(names::add);
    ArrayNode all = option.putArray("series");
    series.forEach(
        (name, values) -> {
          ObjectNode one = all.addObject().put("name", name).put("type", "bar");
          if (stacked) {
            one.put("stack", "all");
          }
          ArrayNode data = one.putArray("data");
          values.forEach(
              value -> {
                if (value == null) {
                  data.addNull();
                } else {
                  data.add(value.doubleValue());
                }
              });
        });
    return option;
  }
}
