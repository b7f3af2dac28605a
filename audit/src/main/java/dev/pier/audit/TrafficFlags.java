package dev.pier.audit;

/**
 * Which part of an endpoint's traffic policy produced an inference: the canary rather than the
 * stable target, a shadow copy (its answer was recorded, never returned), or the fallback that
 * answered because the primary failed.
 */
public record TrafficFlags(boolean canary, boolean shadow, boolean fallback) {
  public static final TrafficFlags NONE = new TrafficFlags(false, false, false);
}
