package dev.pier.controlplane.scheduler;

import dev.pier.controlplane.endpoints.EndpointService;
import dev.pier.controlplane.endpoints.EndpointView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Objects;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/placements} and {@code /api/v1/endpoints/{name}/placements}: read only. */
@RestController
@Tag(name = "Placements", description = "Which model versions the scheduler put on which servers")
class PlacementController {
  private final Placements placements;
  private final EndpointService endpoints;

  PlacementController(Placements placements, EndpointService endpoints) {
    this.placements = placements;
    this.endpoints = endpoints;
  }

  @GetMapping(path = "/api/v1/placements", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "List all placements")
  public List<PlacementView> all() {
    return placements.views(null);
  }

  /** The placements of the endpoint's desired and active versions. */
  @GetMapping(
      path = "/api/v1/endpoints/{name}/placements",
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "List an endpoint's placements")
  public List<PlacementView> ofEndpoint(@PathVariable String name) {
    EndpointView endpoint = endpoints.get(name);
    return placements.views(endpoint.model()).stream()
        .filter(
            placement ->
                placement.version() == endpoint.version()
                    || Objects.equals(placement.version(), endpoint.activeVersion()))
        .toList();
  }
}
