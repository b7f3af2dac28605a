package dev.pier.console.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;

/**
 * A dialog for a secret the server will never show again (a one-time password, an API token): the
 * value read-only and selectable, what to do with it, and a button to close.
 *
 * @param id the id of the field holding the secret; the close button's is {@code <id>-done}
 */
public record ShownOnce(String title, String explanation, String secret, String id) {

  public void open() {
    Dialog dialog = new Dialog(title);
    TextField value = new TextField();
    value.setValue(secret);
    value.setReadOnly(true);
    value.setWidthFull();
    value.setId(id);
    dialog.add(new VerticalLayout(new Paragraph(explanation), value));
    Button done = new Button("Done", click -> dialog.close());
    done.setId(id + "-done");
    dialog.getFooter().add(done);
    dialog.setWidth("40em");
    dialog.open();
  }
}
