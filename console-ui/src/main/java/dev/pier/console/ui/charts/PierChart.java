package dev.pier.console.ui.charts;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.component.dependency.NpmPackage;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chart drawn by Apache ECharts in the browser ({@code <pier-chart>}, {@code
 * src/main/frontend/pier-chart.js}). Subclasses keep what they show on the server and build the
 * whole ECharts option from it; it is sent when the chart is attached (so a chart survives being
 * detached and re-attached) and whenever a subclass resets it. The element carries the CSS class
 * {@code pier-chart} and reflects its series names ({@code data-series}, one a line) and its number
 * of points ({@code data-points}).
 */
@Tag("pier-chart")
@NpmPackage(value = "echarts", version = "6.1.0")
@JsModule("./pier-chart.js")
public abstract class PierChart extends Component implements HasSize {
  private static final long serialVersionUID = 1L;

  /** Options and points are plain JSON; charts never need Spring's configured mapper. */
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final String title;
  private final String unit;

  protected PierChart(String title, String unit) {
    this.title = title;
    this.unit = unit;
    addClassName("pier-chart");
    setWidthFull();
  }

  public String title() {
    return title;
  }

  public String unit() {
    return unit;
  }

  /** The whole ECharts option for what the chart holds now. */
  abstract ObjectNode option();

  /** How long a live chart keeps points, in milliseconds; 0 for charts that are not live. */
  long windowMillis() {
    return 0;
  }

  @Override
  protected void onAttach(AttachEvent attachEvent) {
    sendOption();
  }

  /** Redraws the chart from the server's state, when it is in a page. */
  void sendOption() {
    if (isAttached()) {
      getElement()
          .callJsFunction("setOption", JSON.writeValueAsString(option()), (double) windowMillis());
    }
  }

  /** The parts every Pier chart shares: title, tooltip, legend, grid and a value axis in unit. */
  ObjectNode baseOption(String tooltipTrigger) {
    ObjectNode option = JSON.createObjectNode();
    option.putObject("title").put("text", title).put("left", 0).put("top", 0);
    option.putObject("tooltip").put("trigger", tooltipTrigger);
    option.putObject("legend").put("type", "scroll").put("top", 24).put("left", 0);
    option
        .putObject("grid")
        .put("left", 8)
        .put("right", 16)
        .put("top", 64)
        .put("bottom", 8)
        .put("containLabel", true);
    ObjectNode yAxis = option.putObject("yAxis").put("type", "value").put("min", 0);
    if (unit != null && !unit.isBlank()) {
      yAxis.put("name", unit);
    }
    return option;
  }

  static ArrayNode array() {
    return JSON.createArrayNode();
  }
}
