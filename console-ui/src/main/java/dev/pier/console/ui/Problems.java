package dev.pier.console.ui;

import dev.pier.controlplane.error.PierException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what an application service threw into the sentence the console shows next to the form: the
 * same message the REST API puts in a problem's {@code detail}, or each field with its problem.
 */
public final class Problems {
  private static final Logger log = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  public static String describe(Throwable failure) {
    return switch (failure) {
      case PierException pier -> pier.getMessage();
      case ConstraintViolationException invalid ->
          invalid.getConstraintViolations().stream()
              .map(Problems::describe)
              .sorted()
              .collect(Collectors.joining("; "));
      default -> {
        log.error("console action failed", failure);
        yield "Something went wrong on the server; the log has the details.";
      }
    };
  }

  private static String describe(ConstraintViolation<?> violation) {
    String path = violation.getPropertyPath().toString();
    // "createModel.newModel.name" -> "name": the form field, not the Java call.
    String field = path.substring(path.lastIndexOf('.') + 1);
    return field + " " + violation.getMessage();
  }
}
