package dev.pier.console.ui;

import com.vaadin.flow.component.html.Span;

/** The inline error line of a form or dialog: hidden until something failed. */
public class ErrorText extends Span {

  public ErrorText() {
    addClassName("pier-error");
    getElement().setAttribute("role", "alert");
    clear();
  }

  public void show(Throwable failure) {
    show(Problems.describe(failure));
  }

  public void show(String message) {
    setText(message);
    setVisible(true);
  }

  public void clear() {
    setText("");
    setVisible(false);
  }
}
