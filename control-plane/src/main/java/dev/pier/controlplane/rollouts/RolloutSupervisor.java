package dev.pier.controlplane.rollouts;

import dev.pier.controlplane.endpoints.EndpointService;
import dev.pier.controlplane.endpoints.EndpointView;
import dev.pier.controlplane.endpoints.TrafficPolicy;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.scheduler.Routing;
import dev.pier.controlplane.security.SystemCaller;
import dev.pier.controlplane.traffic.TargetSnapshot;
import dev.pier.controlplane.traffic.TrafficStatistics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Progressive delivery: once a second (when it also lets go of the statistics of deleted
 * endpoints), for each canary with progressive steps that is serving, judges its last minute of
 * traffic against the SLO. A breach rolls it back at once, recording why; a step whose interval has
 * passed with the SLO held moves to the next weight, and the last step promotes it. Nothing is
 * judged on fewer than {@value #MIN_REQUESTS} requests, so a quiet canary neither breaches nor
 * advances.
 */
@Component
class RolloutSupervisor {
  static final int MIN_REQUESTS = 20;
  private static final Logger log = LoggerFactory.getLogger(RolloutSupervisor.class);

  private final EndpointService endpoints;
  private final RolloutService rollouts;
  private final TrafficStatistics statistics;
  private final Routing routing;

  RolloutSupervisor(
      EndpointService endpoints,
      RolloutService rollouts,
      TrafficStatistics statistics,
      Routing routing) {
    this.endpoints = endpoints;
    this.rollouts = rollouts;
    this.statistics = statistics;
    this.routing = routing;
  }

  @Scheduled(fixedDelay = 1000, initialDelay = 1000)
  void supervise() {
    SystemCaller.run(this::superviseAll);
  }

  private void superviseAll() {
    List<EndpointView> all = endpoints.list();
    statistics.retain(all.stream().map(EndpointView::name).collect(Collectors.toSet()));
    for (EndpointView endpoint : all) {
      try {
        supervise(endpoint);
      } catch (PierException e) {
        // Changed meanwhile (a user's action won the optimistic lock): judged again next second.
        log.debug("progressive step of {} skipped: {}", endpoint.name(), e.getMessage());
      }
    }
  }

  private void supervise(EndpointView endpoint) {
    TrafficPolicy traffic = endpoint.traffic();
    TrafficPolicy.Progressive steps = traffic.progressive();
    Routing.Split split = routing.split(endpoint.name());
    if (steps == null
        || split == null
        || !Objects.equals(split.canaryVersion(), traffic.canaryVersion())) {
      return;
    }
    TargetSnapshot canary =
        statistics.snapshot(endpoint.name()).get(Routing.Variant.CANARY.label());
    if (canary == null || canary.requests() < MIN_REQUESTS) {
      return;
    }
    String breach = breach(canary, steps);
    if (breach != null) {
      log.warn("canary of {} rolled back: {}", endpoint.name(), breach);
      rollouts.rollBackAutomatically(endpoint.name(), endpoint.revision(), breach);
      return;
    }
    if (!Instant.now().isBefore(steps.stepStartedAt().plus(steps.interval()))) {
      String reason =
          String.format(
              Locale.ROOT,
              "SLO held for %s: error rate %.2f %%, p99 %s",
              steps.interval(),
              canary.errorRate() * 100,
              Duration.ofNanos(canary.p99Nanos()));
      rollouts.advance(endpoint.name(), endpoint.revision(), reason);
    }
  }

  private static String breach(TargetSnapshot canary, TrafficPolicy.Progressive steps) {
    if (canary.errorRate() > steps.maxErrorRate()) {
      return String.format(
          Locale.ROOT,
          "error rate %.2f %% (%d of %d requests in the last %d s) is above the SLO's %.2f %%",
          canary.errorRate() * 100,
          canary.errors(),
          canary.requests(),
          canary.windowSeconds(),
          steps.maxErrorRate() * 100);
    }
    if (canary.p99Nanos() > steps.maxP99().toNanos()) {
      return "p99 latency "
          + Duration.ofNanos(canary.p99Nanos())
          + " (last "
          + canary.windowSeconds()
          + " s) is above the SLO's "
          + steps.maxP99();
    }
    return null;
  }
}
