package dev.pier.controlplane.scheduler;

/** Where one model version is on one runtime server. */
public enum PlacementState {
  /** The runtime is fetching and loading it. */
  LOADING,
  /** Loaded; requests may go there. */
  READY,
  /** The runtime refused or failed to load it; the reason says why. Retried after a while. */
  FAILED
}
