package dev.pier.console.endpoints;

import com.vaadin.flow.component.html.Span;
import dev.pier.console.ui.Badge;
import dev.pier.controlplane.endpoints.EndpointView;
import dev.pier.controlplane.scheduler.PlacementState;
import dev.pier.controlplane.scheduler.PlacementView;
import java.util.List;
import java.util.Objects;

/** An endpoint's state in one word, from its versions and its placements. */
record EndpointStatus(String text, Badge.Tone tone) {

  static EndpointStatus of(EndpointView endpoint, List<PlacementView> placements) {
    List<PlacementView> desired =
        placements.stream().filter(placement -> placement.version() == endpoint.version()).toList();
    if (Objects.equals(endpoint.activeVersion(), endpoint.version())) {
      return new EndpointStatus("Ready", Badge.Tone.GOOD);
    }
    for (PlacementView placement : desired) {
      if (placement.state() == PlacementState.FAILED) {
        return new EndpointStatus(
            "Failed on " + placement.serverName() + ": " + placement.reason(), Badge.Tone.BAD);
      }
    }
    if (endpoint.activeVersion() != null) {
      return new EndpointStatus(
          "Switching v" + endpoint.activeVersion() + " → v" + endpoint.version(),
          Badge.Tone.NEUTRAL);
    }
    return new EndpointStatus(
        desired.isEmpty() ? "Waiting for a server" : "Loading", Badge.Tone.NEUTRAL);
  }

  Span badge() {
    Span badge = Badge.of(text, tone);
    badge.addClassName("pier-endpoint-status");
    return badge;
  }
}
