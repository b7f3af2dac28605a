package dev.pier.controlplane.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition a test can observe (an API answer, a process state) by polling it against a
 * deadline. Tests synchronise on the condition itself, never on elapsed time: the pause between
 * polls only keeps the loop from spinning, and a condition that holds returns at once.
 */
public final class Awaiting {
  private static final long POLL_INTERVAL_NANOS = Duration.ofMillis(50).toNanos();

  private Awaiting() {}

  /** Polls until {@code condition} holds; after {@code timeout} fails naming it and the context. */
  public static void until(
      String description, Duration timeout, BooleanSupplier condition, Supplier<String> context) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting until " + description + "\n" + context.get());
      }
      LockSupport.parkNanos(POLL_INTERVAL_NANOS);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting until " + description);
      }
    }
  }
}
