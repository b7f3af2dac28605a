package dev.pier.console.endpoints;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import dev.pier.controlplane.onnx.Datatype;
import dev.pier.controlplane.onnx.TensorSpec;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The form's part for one input: one field per value for small inputs, else a JSON array. */
final class InputField {
  /** Inputs with at most this many values get one field each. */
  private static final int MAX_SEPARATE_FIELDS = 16;

  /** Larger inputs start empty rather than as a text area of a million zeros. */
  private static final int MAX_PREFILLED = 100_000;

  private final TensorSpec spec;
  private final List<Long> shape;
  private final long count;
  private final List<TextField> values;
  private final TextArea array;

  InputField(TensorSpec spec) {
    this.spec = spec;
    // A variable dimension (the batch, usually) becomes 1: the form sends one instance.
    this.shape = spec.shape().stream().map(dimension -> dimension < 0 ? 1L : dimension).toList();
    this.count = shape.stream().reduce(1L, Math::multiplyExact);
    if (count <= MAX_SEPARATE_FIELDS) {
      values =
          LongStream.range(0, count)
              .mapToObj(
                  index -> {
                    TextField field = new TextField(spec.name() + "[" + index + "]");
                    field.setValue(isText() ? "" : "0");
                    field.setWidth("8em");
                    field.addClassName("pier-input-value");
                    return field;
                  })
              .toList();
      array = null;
    } else {
      values = List.of();
      array = new TextArea(spec.name());
      array.setValue(zeros());
      array.setWidthFull();
      array.setHelperText(count + " values as a JSON array, row-major");
    }
  }

  Component component() {
    Span title = new Span(spec.name() + " · " + spec.datatype() + " " + shape);
    title.addClassName("pier-input-title");
    if (array != null) {
      return new VerticalLayout(title, array);
    }
    HorizontalLayout row = new HorizontalLayout();
    row.setWrap(true);
    values.forEach(row::add);
    VerticalLayout column = new VerticalLayout(title, row);
    column.setPadding(false);
    return column;
  }

  ObjectNode toJson(JsonMapper json) {
    ObjectNode tensor = json.createObjectNode();
    tensor.put("name", spec.name());
    tensor.put("datatype", spec.datatype().name());
    ArrayNode dims = tensor.putArray("shape");
    shape.forEach(dims::add);
    ArrayNode data = tensor.putArray("data");
    if (array != null) {
      JsonNode parsed;
      try {
        parsed = json.readTree(array.getValue());
      } catch (JacksonException e) {
        throw new IllegalArgumentException(spec.name() + ": not a JSON array");
      }
      if (!parsed.isArray()) {
        throw new IllegalArgumentException(spec.name() + ": not a JSON array");
      }
      data.addAll((ArrayNode) parsed);
      return tensor;
    }
    for (TextField field : values) {
      String value = field.getValue().strip();
      if (isText()) {
        data.add(value);
      } else if (spec.datatype() == Datatype.BOOL) {
        data.add(Boolean.parseBoolean(value));
      } else {
        try {
          data.add(new BigDecimal(value));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              field.getLabel() + ": '" + value + "' is not a number");
        }
      }
    }
    return tensor;
  }

  private boolean isText() {
    return spec.datatype() == Datatype.BYTES;
  }

  private String zeros() {
    if (count > MAX_PREFILLED) {
      return "[]";
    }
    String zero = isText() ? "\"\"" : spec.datatype() == Datatype.BOOL ? "false" : "0";
    return "[" + String.join(", ", Collections.nCopies((int) count, zero)) + "]";
  }
}
