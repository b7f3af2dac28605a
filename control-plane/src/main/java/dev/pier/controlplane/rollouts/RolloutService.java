package dev.pier.controlplane.rollouts;

import dev.pier.controlplane.base.Printable;
import dev.pier.controlplane.endpoints.EndpointHistory;
import dev.pier.controlplane.endpoints.EndpointService;
import dev.pier.controlplane.endpoints.EndpointView;
import dev.pier.controlplane.endpoints.RolloutEvent;
import dev.pier.controlplane.endpoints.TrafficPolicy;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.scheduler.PlacementService;
import dev.pier.controlplane.scheduler.PlacementState;
import dev.pier.controlplane.scheduler.Routing;
import dev.pier.controlplane.traffic.Comparison;
import dev.pier.controlplane.traffic.TargetSnapshot;
import dev.pier.controlplane.traffic.TrafficStatistics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;

/**
 * The rollout actions, each one call: start a canary, set its weight, promote it, roll back, abort;
 * shadow and fallback targets. Each checks the caller's revision, applies the whole step at once
 * with the endpoint's optimistic lock (a concurrent change is refused, never merged), and records
 * it in the endpoint's history with who and why.
 */
@Service
@Validated
public class RolloutService {
  private static final Duration SHORTEST_STEP = Duration.ofSeconds(1);
  private static final double ALPHA = 0.05;

  private final EndpointService endpoints;
  private final EndpointHistory history;
  private final RegistryService registry;
  private final PlacementService placements;
  private final Routing routing;
  private final TrafficStatistics statistics;

  RolloutService(
      EndpointService endpoints,
      EndpointHistory history,
      RegistryService registry,
      PlacementService placements,
      Routing routing,
      TrafficStatistics statistics) {
    this.endpoints = endpoints;
    this.history = history;
    this.registry = registry;
    this.placements = placements;
    this.routing = routing;
    this.statistics = statistics;
  }

  /**
   * Each target's traffic over the last minute (rate, errors, latency, predictions), and stable
   * against canary with a significance test per metric at the 5 % level.
   */
  @PreAuthorize("hasRole('VIEWER')")
  public TrafficComparison comparison(@NotNull String endpoint) {
    endpoints.get(endpoint);
    Map<String, TargetSnapshot> targets = statistics.snapshot(endpoint);
    TargetSnapshot stable = targets.get(Routing.Variant.STABLE.label());
    TargetSnapshot canary = targets.get(Routing.Variant.CANARY.label());
    return new TrafficComparison(
        targets, stable == null || canary == null ? null : Comparison.of(stable, canary, ALPHA));
  }

  @PreAuthorize("hasRole('VIEWER')")
  @Transactional(readOnly = true)
  public RolloutView status(@NotNull String endpoint) {
    EndpointView current = endpoints.get(endpoint);
    TrafficPolicy traffic = current.traffic();
    Routing.Split served = routing.split(endpoint);
    if (served == null) {
      served = Routing.Split.NONE;
    }
    RolloutView.Canary canary = null;
    if (traffic.canaryVersion() != null) {
      int version = traffic.canaryVersion();
      TrafficPolicy.Progressive steps = traffic.progressive();
      canary =
          new RolloutView.Canary(
              version,
              traffic.canaryWeightBasisPoints(),
              traffic.stickyHeader(),
              state(current, version, Objects.equals(served.canaryVersion(), version)),
              failure(current, version),
              steps == null
                  ? null
                  : new RolloutView.Progress(
                      steps.stepsBasisPoints(),
                      steps.step(),
                      steps.interval(),
                      steps.stepStartedAt().plus(steps.interval()),
                      steps.maxErrorRate(),
                      steps.maxP99()));
    }
    return new RolloutView(
        current.name(),
        current.model(),
        current.version(),
        current.activeVersion(),
        canary,
        target(current, traffic.shadowVersion(), traffic.shadowPercent(), served.shadowVersion()),
        target(current, traffic.fallbackVersion(), 100, served.fallbackVersion()),
        current.revision());
  }

  @PreAuthorize("hasRole('VIEWER')")
  @Transactional(readOnly = true)
  public List<RolloutEvent> history(@NotNull String endpoint) {
    endpoints.get(endpoint);
    return history.list(endpoint);
  }

  /** Starts a canary; it takes traffic only once all its placements are ready. */
  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public RolloutView startCanary(
      @NotNull String endpoint, @NotNull @Valid RolloutRequests.StartCanary request) {
    EndpointView current = current(endpoint, request.revision());
    TrafficPolicy before = current.traffic();
    if (before.canaryVersion() != null) {
      throw new PierException(
          ErrorCode.CANARY_ALREADY_RUNNING,
          "endpoint "
              + Printable.quote(endpoint)
              + " already runs version "
              + before.canaryVersion()
              + " as a canary; promote, roll back or abort it first");
    }
    if (request.version() == current.version()) {
      throw invalid("version " + request.version() + " is already the stable version");
    }
    requireVersion(current, request.version());
    TrafficPolicy.Progressive progressive = progressive(request.progressive());
    int weight =
        progressive != null
            ? progressive.currentWeight()
            : request.weightBasisPoints() == null ? 0 : request.weightBasisPoints();
    TrafficPolicy after =
        before.withCanary(request.version(), weight, request.stickyHeader(), progressive);
    statistics.reset(endpoint); // the comparison is of this canary only
    return apply(current, RolloutEvent.Action.CANARY_STARTED, request.reason(), after);
  }

  /** Sets the canary's weight by hand; progressive delivery, if it ran, stops. */
  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public RolloutView setWeight(
      @NotNull String endpoint, @NotNull @Valid RolloutRequests.SetWeight request) {
    EndpointView current = current(endpoint, request.revision());
    TrafficPolicy before = requireCanary(current);
    TrafficPolicy after =
        before.withCanary(
            before.canaryVersion(), request.weightBasisPoints(), before.stickyHeader(), null);
    return apply(current, RolloutEvent.Action.WEIGHT_CHANGED, request.reason(), after);
  }

  /**
   * The canary becomes the stable version at 100 %. Only a canary that takes traffic now (ready on
   * every server it must be) can be promoted, so it is served at once.
   */
  @PreAuthorize("hasRole('OPERATOR')")
  @Transactional
  public RolloutView promote(@NotNull String endpoint, @NotNull @Valid RolloutRequests.Step step) {
    return promote(current(endpoint, step.revision()), RolloutEvent.Action.PROMOTED, step.reason());
  }

  /**
   * With a canary running, drops it (all traffic back to stable); without one, makes the previous
   * stable version stable again (from the history, also after a promote): it takes traffic once it
   * is ready again, the current one serving until then.
   */
  @PreAuthorize("hasRole('OPERATOR')")
  @Transactional
  public RolloutView rollback(@NotNull String endpoint, @NotNull @Valid RolloutRequests.Step step) {
    EndpointView current = current(endpoint, step.revision());
    if (current.traffic().canaryVersion() != null) {
      return apply(
          current,
          RolloutEvent.Action.ROLLED_BACK,
          step.reason(),
          current.traffic().withoutCanary());
    }
    int previous =
        history
            .previousStable(endpoint, current.version())
            .orElseThrow(
                () ->
                    new PierException(
                        ErrorCode.NOTHING_TO_ROLL_BACK,
                        "endpoint "
                            + Printable.quote(endpoint)
                            + " has served no other stable version than "
                            + current.version()));
    requireVersion(current, previous);
    endpoints.applyRollout(
        endpoint, current.revision(), previous, current.activeVersion(), current.traffic());
    history.record(
        endpoint,
        RolloutEvent.Action.ROLLED_BACK,
        step.reason(),
        current.version(),
        previous,
        current.traffic(),
        current.traffic());
    return status(endpoint);
  }

  /** Drops the canary; the stable version takes all traffic again. */
  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public RolloutView abort(@NotNull String endpoint, @NotNull @Valid RolloutRequests.Step step) {
    EndpointView current = current(endpoint, step.revision());
    TrafficPolicy before = requireCanary(current);
    return apply(current, RolloutEvent.Action.ABORTED, step.reason(), before.withoutCanary());
  }

  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public RolloutView setShadow(
      @NotNull String endpoint, @NotNull @Valid RolloutRequests.SetShadow request) {
    EndpointView current = current(endpoint, request.revision());
    if (request.version() != null) {
      requireVersion(current, request.version());
    }
    int percent =
        request.version() == null ? 0 : request.percent() == null ? 100 : request.percent();
    if (!Objects.equals(current.traffic().shadowVersion(), request.version())) {
      // Agreement and drops describe this shadow version only.
      statistics.reset(endpoint, TrafficStatistics.SHADOW);
    }
    return apply(
        current,
        RolloutEvent.Action.SHADOW_CHANGED,
        request.reason(),
        current.traffic().withShadow(request.version(), percent));
  }

  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public RolloutView setFallback(
      @NotNull String endpoint, @NotNull @Valid RolloutRequests.SetFallback request) {
    EndpointView current = current(endpoint, request.revision());
    if (request.version() != null) {
      requireVersion(current, request.version());
    }
    return apply(
        current,
        RolloutEvent.Action.FALLBACK_CHANGED,
        request.reason(),
        current.traffic().withFallback(request.version()));
  }

  // ---- for progressive delivery

  /** The next progressive step, or the promotion after the last one. */
  @PreAuthorize("hasRole('ADMIN')")
  @Transactional
  public RolloutView advance(@NotNull String endpoint, long revision, String reason) {
    EndpointView current = current(endpoint, revision);
    TrafficPolicy before = requireCanary(current);
    TrafficPolicy.Progressive steps = before.progressive();
    if (steps == null) {
      throw new PierException(ErrorCode.NO_CANARY, "the canary has no progressive steps");
    }
    if (steps.atLastStep()) {
      return promote(current, RolloutEvent.Action.PROMOTED, reason);
    }
    TrafficPolicy.Progressive next = steps.next(now());
    return apply(
        current,
        RolloutEvent.Action.PROGRESSED,
        reason,
        before.withCanary(
            before.canaryVersion(), next.currentWeight(), before.stickyHeader(), next));
  }

  /** Drops a canary that broke its SLO, recording why. */
  @PreAuthorize("hasRole('ADMIN')")
  @Transactional
  public RolloutView rollBackAutomatically(@NotNull String endpoint, long revision, String reason) {
    EndpointView current = current(endpoint, revision);
    TrafficPolicy before = requireCanary(current);
    return apply(current, RolloutEvent.Action.AUTO_ROLLED_BACK, reason, before.withoutCanary());
  }

  // ---- internals

  private RolloutView promote(EndpointView current, RolloutEvent.Action action, String reason) {
    TrafficPolicy before = requireCanary(current);
    int canary = before.canaryVersion();
    Routing.Split served = routing.split(current.name());
    if (served == null || !Objects.equals(served.canaryVersion(), canary)) {
      throw new PierException(
          ErrorCode.CANARY_NOT_READY,
          "canary version "
              + canary
              + " of endpoint "
              + Printable.quote(current.name())
              + " is not ready on all its servers; promote it once it is");
    }
    TrafficPolicy after = before.withoutCanary();
    endpoints.applyRollout(current.name(), current.revision(), canary, canary, after);
    history.record(current.name(), action, reason, current.version(), canary, before, after);
    return status(current.name());
  }

  private RolloutView apply(
      EndpointView current, RolloutEvent.Action action, String reason, TrafficPolicy after) {
    endpoints.applyRollout(
        current.name(), current.revision(), current.version(), current.activeVersion(), after);
    history.record(
        current.name(),
        action,
        reason,
        current.version(),
        current.version(),
        current.traffic(),
        after);
    return status(current.name());
  }

  private EndpointView current(String endpoint, Long expectedRevision) {
    EndpointView current = endpoints.get(endpoint);
    if (expectedRevision != null && expectedRevision != current.revision()) {
      throw new PierException(
          ErrorCode.REVISION_MISMATCH,
          "endpoint "
              + Printable.quote(endpoint)
              + " is at revision "
              + current.revision()
              + ", not "
              + expectedRevision);
    }
    return current;
  }

  private static TrafficPolicy requireCanary(EndpointView current) {
    if (current.traffic().canaryVersion() == null) {
      throw new PierException(
          ErrorCode.NO_CANARY,
          "endpoint " + Printable.quote(current.name()) + " has no canary running");
    }
    return current.traffic();
  }

  private void requireVersion(EndpointView endpoint, int version) {
    registry.getVersion(ModelName.of(endpoint.model()), version); // 404 naming the version
  }

  private static TrafficPolicy.Progressive progressive(RolloutRequests.Progressive request) {
    if (request == null) {
      return null;
    }
    List<Integer> steps = request.stepsBasisPoints();
    for (int i = 1; i < steps.size(); i++) {
      if (steps.get(i) <= steps.get(i - 1)) {
        throw invalid("progressive.stepsBasisPoints must increase, but is " + steps);
      }
    }
    if (steps.getLast() != TrafficPolicy.ALL_BASIS_POINTS) {
      throw invalid(
          "progressive.stepsBasisPoints must end at 10000 (the promotion), but is " + steps);
    }
    if (request.interval().compareTo(SHORTEST_STEP) < 0) {
      throw invalid("progressive.interval must be at least 1s, but is " + request.interval());
    }
    if (!request.maxP99().isPositive()) {
      throw invalid("progressive.maxP99 must be positive, but is " + request.maxP99());
    }
    return new TrafficPolicy.Progressive(
        steps, request.interval(), request.maxErrorRate(), request.maxP99(), 0, now());
  }

  private RolloutView.TargetState state(EndpointView endpoint, int version, boolean serving) {
    if (serving) {
      return RolloutView.TargetState.SERVING;
    }
    return failure(endpoint, version) != null
        ? RolloutView.TargetState.BLOCKED
        : RolloutView.TargetState.LOADING;
  }

  /** Why a target takes no traffic: the reason of a failed placement, or null. */
  private String failure(EndpointView endpoint, int version) {
    return placements.ofVersion(endpoint.model(), version).stream()
        .filter(placement -> placement.state() == PlacementState.FAILED)
        .map(placement -> placement.serverName() + ": " + placement.reason())
        .findFirst()
        .orElse(null);
  }

  private RolloutView.Target target(
      EndpointView endpoint, Integer version, int percent, Integer servedVersion) {
    return version == null
        ? null
        : new RolloutView.Target(
            version,
            percent,
            state(endpoint, version, Objects.equals(servedVersion, version)),
            failure(endpoint, version));
  }

  private static PierException invalid(String message) {
    return new PierException(ErrorCode.VALIDATION_FAILED, message);
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
