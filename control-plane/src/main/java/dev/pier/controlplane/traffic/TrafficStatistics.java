package dev.pier.controlplane.traffic;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.springframework.stereotype.Component;

/**
 * Every endpoint's live traffic statistics, per target ({@code "stable"}, {@code "canary"}, {@code
 * "shadow"}, {@code "fallback"}), held in memory only: they describe the last minute, not history.
 *
 * <p>The gateway looks a target up per request ({@link #statsFor}, two hash lookups) rather than
 * keeping it: {@link #reset} replaces an endpoint's targets, so a request still in flight from the
 * previous rollout records into the old ones and never into the new rollout's numbers.
 */
@Component
public class TrafficStatistics {
  /** The target a shadow's agreement with the primary is recorded on. */
  public static final String SHADOW = "shadow";

  private final Map<String, Map<String, TargetStats>> endpoints = new ConcurrentHashMap<>();
  private final int windowSeconds;
  private final LongSupplier nanoTime;

  public TrafficStatistics() {
    this(TargetStats.DEFAULT_WINDOW_SECONDS, System::nanoTime);
  }

  TrafficStatistics(int windowSeconds, LongSupplier nanoTime) {
    this.windowSeconds = windowSeconds;
    this.nanoTime = nanoTime;
  }

  /** The statistics of one target of an endpoint, created empty the first time. */
  public TargetStats statsFor(String endpoint, String target) {
    return endpoints
        .computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            target,
            t ->
                new TargetStats(
                    windowSeconds,
                    TargetStats.DEFAULT_MAX_CLASSES,
                    TargetStats.DEFAULT_SAMPLE_SIZE,
                    nanoTime));
  }

  /** Every target of an endpoint as it is now, by target name (sorted); empty if none recorded. */
  public Map<String, TargetSnapshot> snapshot(String endpoint) {
    Map<String, TargetStats> targets = endpoints.get(endpoint);
    Map<String, TargetSnapshot> snapshots = new TreeMap<>();
    if (targets != null) {
      targets.forEach((target, stats) -> snapshots.put(target, stats.snapshot()));
    }
    return java.util.Collections.unmodifiableMap(snapshots);
  }

  /**
   * Records whether the shadow's predictions equalled the primary's for one request; the rate is
   * the {@value #SHADOW} target's {@link TargetSnapshot#shadowAgreementRate()}.
   */
  public void recordShadow(String endpoint, boolean agreed) {
    statsFor(endpoint, SHADOW).recordAgreement(agreed);
  }

  /**
   * Counts a copy for the endpoint's shadow that was dropped because the shadow could not keep up;
   * the count is the {@value #SHADOW} target's {@link TargetSnapshot#shadowDropped()}.
   */
  public void recordShadowDropped(String endpoint) {
    statsFor(endpoint, SHADOW).recordDropped();
  }

  /** Starts an endpoint's statistics from zero, as a new rollout does. */
  public void reset(String endpoint) {
    endpoints.computeIfPresent(endpoint, (e, targets) -> new ConcurrentHashMap<>());
  }

  /** Starts one target of an endpoint from zero, as a new shadow version does. */
  public void reset(String endpoint, String target) {
    Map<String, TargetStats> targets = endpoints.get(endpoint);
    if (targets != null) {
      targets.remove(target);
    }
  }

  /** Drops everything about an endpoint that was deleted. */
  public void forget(String endpoint) {
    endpoints.remove(endpoint);
  }

  /** Forgets every endpoint not in {@code existing} (deleted ones), so memory follows the table. */
  public void retain(Set<String> existing) {
    endpoints.keySet().retainAll(existing);
  }
}
