package dev.pier.controlplane.rollouts;

import dev.pier.controlplane.traffic.Comparison;
import dev.pier.controlplane.traffic.TargetSnapshot;
import java.util.Map;

/**
 * An endpoint's live traffic per target ({@code stable}, {@code canary}, {@code pinned}, {@code
 * fallback}, {@code shadow}) over the last minute, and the canary judged against stable.
 *
 * @param comparison null unless both stable and canary had traffic
 */
public record TrafficComparison(Map<String, TargetSnapshot> targets, Comparison comparison) {}
