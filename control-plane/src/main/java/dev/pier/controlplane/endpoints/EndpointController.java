package dev.pier.controlplane.endpoints;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/endpoints}: create, read, change (PUT or PATCH) and delete endpoints. */
@RestController
@RequestMapping(path = "/api/v1/endpoints", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Endpoints", description = "Stable names clients call, each serving a model version")
class EndpointController {
  private final EndpointService endpoints;

  EndpointController(EndpointService endpoints) {
    this.endpoints = endpoints;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create an endpoint")
  ResponseEntity<EndpointView> create(@Valid @RequestBody NewEndpoint endpoint) {
    EndpointView created = endpoints.create(endpoint);
    return ResponseEntity.created(URI.create("/api/v1/endpoints/" + created.name())).body(created);
  }

  @GetMapping
  @Operation(summary = "List endpoints")
  List<EndpointView> list() {
    return endpoints.list();
  }

  @GetMapping("/{name}")
  @Operation(summary = "Read an endpoint")
  EndpointView get(@PathVariable String name) {
    return endpoints.get(name);
  }

  @RequestMapping(
      path = "/{name}",
      method = {RequestMethod.PUT, RequestMethod.PATCH},
      consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Change an endpoint's version, replicas or timeout")
  EndpointView change(@PathVariable String name, @Valid @RequestBody EndpointChanges changes) {
    return endpoints.change(name, changes);
  }

  @DeleteMapping("/{name}")
  @Operation(summary = "Delete an endpoint")
  ResponseEntity<Void> delete(@PathVariable String name) {
    endpoints.delete(name);
    return ResponseEntity.noContent().build();
  }
}
