package dev.pier.controlplane.drivers;

import java.util.List;

/**
 * Starts and stops runtime servers for server pools. Drivers only run processes (or pods): the
 * runtimes they start register with the control plane themselves, and models are placed on them by
 * the scheduler, never by a driver.
 *
 * <p>Implementations are thread-safe. They watch what they started and replace a server that dies,
 * until {@link #stop()}.
 */
public interface RuntimeDriver {

  /**
   * Makes the pool run exactly {@code pool.replicas()} servers: starts the missing ones, stops the
   * extra ones, leaves running ones alone. Idempotent; returns without waiting for registration.
   */
  void ensureRunning(ServerPool pool);

  /** Stops every server this driver started (gracefully, then forcibly) and stops watching. */
  void stop();

  /** What this driver runs now, for operators and tests. */
  List<DriverProcess> processes();
}
