package dev.pier.controlplane.runtimes;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/runtimes}: what runtime servers call. {@link RegistrationTokenInterceptor} checks
 * the registration token before any of this runs, before the body is even read.
 */
@RestController
@RequestMapping(path = "/api/v1/runtimes", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Runtime registration", description = "Called by runtime servers, not by people")
class RuntimeRegistrationController {
  private final RuntimeServerService service;

  RuntimeRegistrationController(RuntimeServerService service) {
    this.service = service;
  }

  @PostMapping(path = "/register", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Register a runtime server",
      description =
          "Registering again under the same name replaces the addresses and keeps the id."
              + " Needs 'Authorization: Bearer <pier.runtimes.registration-token>'.")
  @ApiResponse(responseCode = "201", description = "Registered for the first time")
  @ApiResponse(responseCode = "200", description = "Registered again; same id")
  @ApiResponse(responseCode = "401", description = "Missing or wrong registration token")
  ResponseEntity<RuntimeServerView> register(@Valid @RequestBody Registration registration) {
    return registered(service.register(registration));
  }

  @PostMapping(path = "/{id}/heartbeat", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Report a runtime server's load",
      description = "404 means the control plane does not know the id: register again.")
  @ApiResponse(responseCode = "204", description = "Recorded; the server is READY")
  @ApiResponse(responseCode = "401", description = "Missing or wrong registration token")
  @ApiResponse(responseCode = "404", description = "Unknown runtime server")
  ResponseEntity<Void> heartbeat(@PathVariable UUID id, @Valid @RequestBody Heartbeat heartbeat) {
    service.heartbeat(id, heartbeat);
    return ResponseEntity.noContent().build();
  }

  private static ResponseEntity<RuntimeServerView> registered(
      RuntimeServerService.Registered registered) {
    if (registered.created()) {
      return ResponseEntity.created(URI.create("/api/v1/servers/" + registered.server().id()))
          .body(registered.server());
    }
    return ResponseEntity.ok(registered.server());
  }
}
