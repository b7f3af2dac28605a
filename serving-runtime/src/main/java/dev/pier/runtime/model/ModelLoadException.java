package dev.pier.runtime.model;

/** A model version could not be loaded; the message is the reason shown in the repository index. */
final class ModelLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  ModelLoadException(String message) {
    super(message);
  }

  ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
