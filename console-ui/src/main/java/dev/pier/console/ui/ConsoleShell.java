package dev.pier.console.ui;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.theme.lumo.Lumo;

/** The page every console view lives in: the Lumo theme plus Pier's few own styles. */
@StyleSheet(Lumo.STYLESHEET)
@StyleSheet("styles.css")
public class ConsoleShell implements AppShellConfigurator {
  private static final long serialVersionUID = 1L;
}
