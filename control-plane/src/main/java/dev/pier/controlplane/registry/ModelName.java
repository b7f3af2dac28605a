package dev.pier.controlplane.registry;

import dev.pier.controlplane.base.Printable;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import java.util.regex.Pattern;

/**
 * A model's name: its identity in the registry, in URLs, and on the runtimes it is deployed to. The
 * rule is the serving runtime's rule for model names, so that every registered name can be served;
 * it also keeps names safe as path segments (no {@code /}, no leading dot).
 *
 * @param value 1-128 characters of {@code [A-Za-z0-9_.-]}, starting with a letter or digit
 */
public record ModelName(String value) {
  /** The rule as a regular expression (also used in Bean Validation and the OpenAPI document). */
  public static final String PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}";

  /** The rule in words, for error messages. */
  public static final String RULE =
      "must be 1-128 characters of letters, digits, '_', '.' or '-', starting with a letter or"
          + " digit";

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  /**
   * @throws PierException {@code INVALID_NAME} if {@code value} breaks the rule
   */
  public ModelName {
    if (value == null || !COMPILED.matcher(value).matches()) {
      throw new PierException(
          ErrorCode.INVALID_NAME,
          "model name " + Printable.quote(value) + " is invalid: it " + RULE);
    }
  }

  public static ModelName of(String value) {
    return new ModelName(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
