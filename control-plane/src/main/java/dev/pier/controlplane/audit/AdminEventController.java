package dev.pier.controlplane.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin-events}: the latest administrative actions, for auditors. */
@RestController
@Validated
@Tag(name = "Audit", description = "The record of administrative actions")
class AdminEventController {
  private final AdminEventQueries events;

  AdminEventController(AdminEventQueries events) {
    this.events = events;
  }

  @GetMapping(path = "/api/v1/admin-events", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "The latest administrative actions, newest first")
  List<AdminEvent> latest(
      @RequestParam(required = false) String targetType,
      @RequestParam(required = false) String target,
      @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
    return events.latest(targetType, target, limit);
  }
}
