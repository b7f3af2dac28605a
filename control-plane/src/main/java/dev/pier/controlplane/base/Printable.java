package dev.pier.controlplane.base;

/** Quoting caller-supplied text in error messages without letting it forge or flood them. */
public final class Printable {
  private static final int MAXIMUM_LENGTH = 140;

  private Printable() {}

  /** {@code 'text'}, with control characters escaped and long text cut short. */
  public static String quote(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder quoted = new StringBuilder(Math.min(text.length(), MAXIMUM_LENGTH) + 8);
    quoted.append('\'');
    int end = Math.min(text.length(), MAXIMUM_LENGTH);
    for (int index = 0; index < end; index++) {
      char character = text.charAt(index);
      if (Character.isISOControl(character)) {
        quoted.append(String.format("\\u%04x", (int) character));
      } else {
        quoted.append(character);
      }
    }
    if (text.length() > MAXIMUM_LENGTH) {
      quoted.append("...");
    }
    return quoted.append('\'').toString();
  }
}
