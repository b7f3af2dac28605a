package dev.pier.console.ui;

import com.vaadin.flow.component.html.Span;

/** A small coloured label for a state: READY green, FAILED or LOST red, anything else neutral. */
public final class Badge {
  private Badge() {}

  public static Span of(String text, Tone tone) {
    Span badge = new Span(text);
    badge.getElement().getThemeList().add("badge");
    badge.getElement().getThemeList().add("pill");
    if (tone != Tone.NEUTRAL) {
      badge.getElement().getThemeList().add(tone.theme);
    }
    badge.addClassName("pier-state");
    return badge;
  }

  /** The colour of a badge. */
  public enum Tone {
    GOOD("success"),
    BAD("error"),
    NEUTRAL("");

    private final String theme;

    Tone(String theme) {
      this.theme = theme;
    }
  }
}
