package dev.pier.controlplane.runtimes;

/** Where a runtime server is in its life as the control plane sees it. */
public enum RuntimeServerState {
  /** Registered; no heartbeat since. */
  REGISTERED,
  /** Heartbeating: available for placement. */
  READY,
  /** No heartbeat for {@code pier.runtimes.lost-after}; registering again revives it. */
  LOST
}
