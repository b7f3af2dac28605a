package dev.pier.controlplane.rollouts;

import dev.pier.controlplane.endpoints.RolloutEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/endpoints/{name}/rollout}: the rollout's state, each action as one call, and the
 * history. Every action answers the rollout as it is afterwards.
 */
@RestController
@RequestMapping(
    path = "/api/v1/endpoints/{name}/rollout",
    produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Rollouts", description = "Canary, shadow and fallback targets; promote and roll back")
class RolloutController {
  private static final RolloutRequests.Step NO_DETAILS = new RolloutRequests.Step(null, null);

  private final RolloutService rollouts;

  RolloutController(RolloutService rollouts) {
    this.rollouts = rollouts;
  }

  @GetMapping
  @Operation(summary = "Read an endpoint's rollout")
  RolloutView status(@PathVariable String name) {
    return rollouts.status(name);
  }

  @GetMapping("/comparison")
  @Operation(summary = "Live traffic per target over the last minute, and canary against stable")
  TrafficComparison comparison(@PathVariable String name) {
    return rollouts.comparison(name);
  }

  @GetMapping("/history")
  @Operation(summary = "List every rollout step of an endpoint, newest first")
  List<RolloutEvent> history(@PathVariable String name) {
    return rollouts.history(name);
  }

  @PostMapping(path = "/canary", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Start a canary (optionally sticky, optionally progressive)")
  RolloutView startCanary(
      @PathVariable String name, @Valid @RequestBody RolloutRequests.StartCanary request) {
    return rollouts.startCanary(name, request);
  }

  @PutMapping(path = "/canary/weight", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Set the canary's weight in basis points")
  RolloutView setWeight(
      @PathVariable String name, @Valid @RequestBody RolloutRequests.SetWeight request) {
    return rollouts.setWeight(name, request);
  }

  @PostMapping("/promote")
  @Operation(summary = "Make the canary the stable version")
  RolloutView promote(
      @PathVariable String name, @Valid @RequestBody(required = false) RolloutRequests.Step step) {
    return rollouts.promote(name, step == null ? NO_DETAILS : step);
  }

  @PostMapping("/rollback")
  @Operation(summary = "Drop the canary, or return to the previous stable version")
  RolloutView rollback(
      @PathVariable String name, @Valid @RequestBody(required = false) RolloutRequests.Step step) {
    return rollouts.rollback(name, step == null ? NO_DETAILS : step);
  }

  @PostMapping("/abort")
  @Operation(summary = "Drop the canary")
  RolloutView abort(
      @PathVariable String name, @Valid @RequestBody(required = false) RolloutRequests.Step step) {
    return rollouts.abort(name, step == null ? NO_DETAILS : step);
  }

  @PutMapping(path = "/shadow", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Set or clear the shadow target")
  RolloutView setShadow(
      @PathVariable String name, @Valid @RequestBody RolloutRequests.SetShadow request) {
    return rollouts.setShadow(name, request);
  }

  @PutMapping(path = "/fallback", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Set or clear the fallback target")
  RolloutView setFallback(
      @PathVariable String name, @Valid @RequestBody RolloutRequests.SetFallback request) {
    return rollouts.setFallback(name, request);
  }
}
