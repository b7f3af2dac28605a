package dev.pier.console.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;

/** A list of labelled facts ("Size: 12.3 KiB"), laid out as a two-column grid by styles.css. */
public class Facts extends Div {

  public Facts() {
    addClassName("pier-facts");
  }

  public Facts fact(String label, String value) {
    return fact(label, new Span(value));
  }

  public Facts fact(String label, Component value) {
    Span name = new Span(label);
    name.addClassName("pier-fact-label");
    Div row = new Div(name, value);
    row.addClassName("pier-fact");
    add(row);
    return this;
  }
}
