package dev.pier.controlplane.scheduler;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/placements} and {@code /api/v1/endpoints/{name}/placements}: read only. */
@RestController
@Tag(name = "Placements", description = "Which model versions the scheduler put on which servers")
class PlacementController {
  private final PlacementService placements;

  PlacementController(PlacementService placements) {
    this.placements = placements;
  }

  @GetMapping(path = "/api/v1/placements", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "List all placements")
  public List<PlacementView> all() {
    return placements.all();
  }

  /** The placements of the endpoint's desired and active versions. */
  @GetMapping(
      path = "/api/v1/endpoints/{name}/placements",
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "List an endpoint's placements")
  public List<PlacementView> ofEndpoint(@PathVariable String name) {
    return placements.ofEndpoint(name);
  }
}
