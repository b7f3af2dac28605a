package dev.pier.console.testing;

/** Closing what a test class started, whatever of it did start. */
public final class Resources {
  private Resources() {}

  /**
   * Closes each resource that is not null, in the order given (the browser before the server it
   * talks to), all of them even when one fails; the first failure is thrown, the others added to
   * it.
   */
  public static void closeAll(AutoCloseable... resources) {
    RuntimeException failure = null;
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing " + resource + " failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
