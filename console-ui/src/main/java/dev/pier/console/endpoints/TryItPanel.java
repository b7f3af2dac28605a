package dev.pier.console.endpoints;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextArea;
import dev.pier.console.ui.Badge;
import dev.pier.console.ui.ErrorText;
import dev.pier.console.ui.Formats;
import dev.pier.controlplane.gateway.InProcessGateway;
import dev.pier.controlplane.registry.VersionView;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends one inference request to an endpoint through the gateway and shows the answer and how long
 * the gateway took. The request is built from a form generated from the model's inputs, or written
 * by hand in the JSON tab (which starts from what the form holds).
 */
class TryItPanel extends VerticalLayout {
  private final String endpoint;
  private final VersionView schema;
  private final InProcessGateway gateway;
  private final JsonMapper json;

  private final List<InputField> inputs;
  private final TabSheet tabs = new TabSheet();
  private final Tab jsonTab;
  private final TextArea rawRequest = new TextArea();
  private final ErrorText error = new ErrorText();
  private final HorizontalLayout outcome = new HorizontalLayout();
  private final Pre response = new Pre();

  TryItPanel(String endpoint, VersionView schema, InProcessGateway gateway, JsonMapper json) {
    this.endpoint = endpoint;
    this.schema = schema;
    this.gateway = gateway;
    this.json = json;
    setPadding(false);
    setId("try-it");

    inputs = schema.inputs().stream().map(InputField::new).toList();
    VerticalLayout form = new VerticalLayout();
    form.setPadding(false);
    inputs.forEach(input -> form.add(input.component()));
    tabs.add("Form", form);
    rawRequest.setWidthFull();
    rawRequest.setMinHeight("12em");
    rawRequest.setId("raw-request");
    jsonTab = tabs.add("JSON", rawRequest);
    tabs.addSelectedChangeListener(
        event -> {
          if (event.getSelectedTab() == jsonTab && event.getPreviousTab() != jsonTab) {
            fromForm().ifPresent(request -> rawRequest.setValue(pretty(request)));
          }
        });
    tabs.setWidthFull();

    Button send = new Button("Send", VaadinIcon.PAPERPLANE.create(), event -> send());
    send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    send.setId("send");
    outcome.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    outcome.setId("outcome");
    response.setId("response");
    response.setVisible(false);
    add(tabs, send, error, outcome, response);
  }

  private void send() {
    error.clear();
    String request;
    if (tabs.getSelectedTab() == jsonTab) {
      request = rawRequest.getValue();
    } else {
      request = fromForm().map(ObjectNode::toString).orElse(null);
      if (request == null) {
        return;
      }
    }
    InProcessGateway.Answer answer = gateway.infer(endpoint, null, request);
    outcome.removeAll();
    outcome.add(
        Badge.of(
            answer.ok() ? "200 OK" : Integer.toString(answer.status()),
            answer.ok() ? Badge.Tone.GOOD : Badge.Tone.BAD),
        latency(answer.nanos()));
    prediction(answer).ifPresent(outcome::add);
    response.setText(pretty(answer.body()));
    response.setVisible(true);
  }

  /** The request the form describes, or empty (with the problem shown) if a field is invalid. */
  private Optional<ObjectNode> fromForm() {
    ObjectNode request = json.createObjectNode();
    ArrayNode array = request.putArray("inputs");
    for (InputField input : inputs) {
      try {
        array.add(input.toJson(json));
      } catch (IllegalArgumentException e) {
        error.show(e.getMessage());
        return Optional.empty();
      }
    }
    return Optional.of(request);
  }

  /**
   * For classifiers labelled in the registry: the label of the predicted class, when the answer has
   * a one-element integer output.
   */
  private Optional<Component> prediction(InProcessGateway.Answer answer) {
    if (!answer.ok() || schema.labels().isEmpty()) {
      return Optional.empty();
    }
    try {
      for (JsonNode output : json.readTree(answer.body()).path("outputs")) {
        JsonNode data = output.path("data");
        if (data.size() == 1 && data.get(0).isIntegralNumber()) {
          int index = data.get(0).asInt();
          if (index >= 0 && index < schema.labels().size()) {
            Span label = new Span("Prediction: " + schema.labels().get(index));
            label.setId("prediction");
            return Optional.of(label);
          }
        }
      }
    } catch (JacksonException e) {
      // Not JSON: nothing to label; the raw answer is shown anyway.
    }
    return Optional.empty();
  }

  private static Span latency(long nanos) {
    Span latency = new Span(Formats.millis(nanos));
    latency.setId("latency");
    latency.getElement().setAttribute("title", "time in the gateway and the runtime");
    return latency;
  }

  private String pretty(Object value) {
    try {
      JsonNode tree = value instanceof String text ? json.readTree(text) : json.valueToTree(value);
      return json.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
    } catch (JacksonException e) {
      return String.valueOf(value);
    }
  }
}
