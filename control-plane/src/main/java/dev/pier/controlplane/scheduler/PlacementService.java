package dev.pier.controlplane.scheduler;

import dev.pier.controlplane.endpoints.EndpointService;
import dev.pier.controlplane.endpoints.EndpointView;
import java.util.List;
import java.util.Objects;
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
  public List<PlacementView> all() {
    return placements.views(null);
  }

  /**
   * The placements of the endpoint's desired and active versions.
   *
   * @throws dev.pier.controlplane.error.PierException {@code ENDPOINT_NOT_FOUND} for an unknown
   *     name
   */
  public List<PlacementView> ofEndpoint(String name) {
    EndpointView endpoint = endpoints.get(name);
    return placements.views(endpoint.model()).stream()
        .filter(
            placement ->
                placement.version() == endpoint.version()
                    || Objects.equals(placement.version(), endpoint.activeVersion()))
        .toList();
  }
}
