package dev.pier.runtime.protocol;

/** The lifecycle state of one model version, as the repository index reports it. */
public enum ModelState {
  /** Known (on disk or requested) but not loaded. */
  UNAVAILABLE,
  LOADING,
  READY,
  UNLOADING,
  /** The last load failed; the index carries the reason. */
  FAILED,
  /** Unloaded to stay within the memory budget; reloaded transparently on the next request. */
  EVICTED
}
