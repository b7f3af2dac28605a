package dev.pier.controlplane.runtimes;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/servers}: the runtime servers, their state, capacity, load and models. */
@RestController
@RequestMapping(path = "/api/v1/servers", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Servers", description = "Runtime servers registered with the control plane")
class RuntimeServerController {
  private final RuntimeServerService service;

  RuntimeServerController(RuntimeServerService service) {
    this.service = service;
  }

  @GetMapping
  @Operation(summary = "List runtime servers", description = "All of them, by name.")
  List<RuntimeServerView> listServers() {
    return service.list();
  }

  @GetMapping("/{id}")
  @Operation(summary = "Get a runtime server")
  RuntimeServerView getServer(@PathVariable UUID id) {
    return service.get(id);
  }
}
