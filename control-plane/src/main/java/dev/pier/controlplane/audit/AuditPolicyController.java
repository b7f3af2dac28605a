package dev.pier.controlplane.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/endpoints/{endpoint}/audit-policy}: what an endpoint's inferences record. */
@RestController
@Tag(name = "Audit", description = "The audit trail: search, verify, export")
class AuditPolicyController {
  private final AuditPolicyService policies;

  AuditPolicyController(AuditPolicyService policies) {
    this.policies = policies;
  }

  @GetMapping(
      path = "/api/v1/endpoints/{endpoint}/audit-policy",
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "The endpoint's audit policy (the default one when it has none)")
  EndpointAuditPolicy get(@PathVariable String endpoint) {
    return policies.get(endpoint);
  }

  @PutMapping(
      path = "/api/v1/endpoints/{endpoint}/audit-policy",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Replaces the endpoint's audit policy")
  EndpointAuditPolicy put(
      @PathVariable String endpoint, @Valid @RequestBody EndpointAuditPolicy policy) {
    return policies.put(endpoint, policy);
  }
}
