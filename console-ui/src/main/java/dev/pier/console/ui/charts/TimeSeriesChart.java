package dev.pier.console.ui.charts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Named series over time, updated live: {@link #append} adds one point per series and sends only
 * those points to the browser, which merges them into the drawn chart; points older than the window
 * are dropped on both sides. Series appear in the order they are first appended.
 */
public class TimeSeriesChart extends PierChart {
  private static final long serialVersionUID = 1L;

  /** Five minutes: what an operator watching a view wants to see of the recent past. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  private record Point(long epochMillis, double value) {}

  private final Duration window;
  private final Map<String, Deque<Point>> series = new LinkedHashMap<>();

  public TimeSeriesChart(String title, String unit) {
    this(title, unit, DEFAULT_WINDOW);
  }

  public TimeSeriesChart(String title, String unit, Duration window) {
    super(title, unit);
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a chart's window must be positive: " + window);
    }
    this.window = window;
  }

  /**
   * Adds the values measured at {@code time}, one per series (a series not named gets no point);
   * drops the points that fall out of the window ending at {@code time}.
   */
  public void append(Instant time, Map<String, Double> valuesBySeries) {
    Objects.requireNonNull(time, "time");
    long millis = time.toEpochMilli();
    ObjectNode values = JSON.createObjectNode();
    valuesBySeries.forEach(
        (name, value) -> {
          if (value != null && Double.isFinite(value)) {
            series
                .computeIfAbsent(name, any -> new ArrayDeque<>())
                .addLast(new Point(millis, value));
            values.put(name, value);
          }
        });
    long oldest = millis - window.toMillis();
    for (Deque<Point> points : series.values()) {
      while (!points.isEmpty() && points.peekFirst().epochMillis() < oldest) {
        points.removeFirst();
      }
    }
    if (isAttached()) {
      ObjectNode update = JSON.createObjectNode().put("time", millis);
      update.set("values", values);
      getElement().callJsFunction("appendPoints", JSON.writeValueAsString(update));
    }
  }

  /** The series names, in the order they first got a point. */
  public List<String> seriesNames() {
    return List.copyOf(series.keySet());
  }

  /** How many points the chart holds across all series. */
  public int pointCount() {
    return series.values().stream().mapToInt(Deque::size).sum();
  }

  @Override
  long windowMillis() {
    return window.toMillis();
  }

  @Override
  ObjectNode option() {
    ObjectNode option = baseOption("axis");
    option.putObject("xAxis").put("type", "time");
    ArrayNode all = option.putArray("series");
    series.forEach(
        (name, points) -> {
          ObjectNode one =
              all.addObject().put("name", name).put("type", "line").put("showSymbol", false);
          ArrayNode data = one.putArray("data");
          points.forEach(point -> data.addArray().add(point.epochMillis()).add(point.value()));
        });
    return option;
  }
}
