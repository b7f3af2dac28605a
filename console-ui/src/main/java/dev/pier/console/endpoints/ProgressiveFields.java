package dev.pier.console.endpoints;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import dev.pier.controlplane.rollouts.RolloutRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The opt-in progressive delivery settings of a new canary: the steps in percent, how long each
 * lasts, and the SLO that must hold. Hidden until "Progressive" is ticked.
 */
class ProgressiveFields extends HorizontalLayout {
  private final Checkbox enabled = new Checkbox("Progressive");
  private final TextField steps = new TextField("Steps (%)");
  private final IntegerField intervalSeconds = new IntegerField("Step length (s)");
  private final NumberField maxErrorPercent = new NumberField("Max error rate (%)");
  private final IntegerField maxP99Millis = new IntegerField("Max p99 (ms)");

  ProgressiveFields() {
    setDefaultVerticalComponentAlignment(FlexComponent.Alignment.END);
    setWrap(true);
    enabled.setId("progressive");
    steps.setValue("5, 25, 50, 100");
    steps.setId("progressive-steps");
    intervalSeconds.setValue(60);
    intervalSeconds.setMin(1);
    maxErrorPercent.setValue(1.0);
    maxErrorPercent.setMin(0);
    maxErrorPercent.setMax(100);
    maxP99Millis.setValue(500);
    maxP99Millis.setMin(1);
    List<Component> settings = List.of(steps, intervalSeconds, maxErrorPercent, maxP99Millis);
    settings.forEach(field -> field.setVisible(false));
    enabled.addValueChangeListener(
        event -> settings.forEach(field -> field.setVisible(event.getValue())));
    add(enabled, steps, intervalSeconds, maxErrorPercent, maxP99Millis);
  }

  /**
   * The settings as the API takes them, or null when progressive delivery is off; the service
   * checks the rules (increasing steps ending at 100 %, a step of at least a second) and its
   * refusal is shown like any other.
   *
   * @throws IllegalArgumentException naming the field when one cannot be read at all
   */
  RolloutRequests.Progressive request() {
    if (!enabled.getValue()) {
      return null;
    }
    List<Integer> basisPoints = new ArrayList<>();
    for (String step : steps.getValue().split(",")) {
      try {
        basisPoints.add((int) Math.round(Double.parseDouble(step.strip()) * 100));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Steps: '" + step.strip() + "' is not a percentage; write e.g. 5, 25, 50, 100");
      }
    }
    if (intervalSeconds.getValue() == null
        || maxErrorPercent.getValue() == null
        || maxP99Millis.getValue() == null) {
      throw new IllegalArgumentException(
          "Fill in the step length, the maximum error rate and the maximum p99.");
    }
    return new RolloutRequests.Progressive(
        basisPoints,
        Duration.ofSeconds(intervalSeconds.getValue()),
        maxErrorPercent.getValue() / 100,
        Duration.ofMillis(maxP99Millis.getValue()));
  }

  void setRunning(boolean running) {
    setVisible(!running);
  }
}
