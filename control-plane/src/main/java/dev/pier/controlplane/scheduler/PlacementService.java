package dev.pier.controlplane.scheduler;

import dev.pier.controlplane.endpoints.EndpointService;
import dev.pier.controlplane.endpoints.EndpointView;
import dev.pier.controlplane.endpoints.TrafficPolicy;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/** Where model versions are placed, as the REST API and the console show it. */
@Service
public class PlacementService {
  private final Placements placements;
  private final EndpointService endpoints;

  PlacementService(Placements placements, EndpointService endpoints) {
    this.placements = placements;
    this.endpoints = endpoints;
  }

  /** Every placement, ordered by model, version and server. */
  @PreAuthorize("hasRole('VIEWER')")
  public List<PlacementView> all() {
    return placements.views(null);
  }

  /** The placements of one model version. */
  @PreAuthorize("hasRole('VIEWER')")
  public List<PlacementView> ofVersion(String model, int version) {
    return placements.views(model).stream()
        .filter(placement -> placement.version() == version)
        .toList();
  }

  /**
   * The placements of the versions the endpoint serves: desired, active, canary, shadow and
   * fallback.
   *
   * @throws dev.pier.controlplane.error.PierException {@code ENDPOINT_NOT_FOUND} for an unknown
   *     name
   */
  @PreAuthorize("hasRole('VIEWER')")
  public List<PlacementView> ofEndpoint(String name) {
    EndpointView endpoint = endpoints.get(name);
    TrafficPolicy traffic = endpoint.traffic();
    Set<Integer> served = new HashSet<>();
    served.add(endpoint.version());
    for (Integer version :
        Arrays.asList(
            endpoint.activeVersion(),
            traffic.canaryVersion(),
            traffic.shadowVersion(),
            traffic.fallbackVersion())) {
      if (version != null) {
        served.add(version);
      }
    }
    return placements.views(endpoint.model()).stream()
        .filter(placement -> served.contains(placement.version()))
        .toList();
  }
}
