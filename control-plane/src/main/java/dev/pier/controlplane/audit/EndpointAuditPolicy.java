package dev.pier.controlplane.audit;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Set;

/**
 * What an endpoint's inferences leave in the audit trail, as the REST API and the console show and
 * change it.
 *
 * @param samplePercent the share of requests recorded, 0 to 100 (decided by request id)
 * @param capturePayload whether inputs and outputs are stored
 * @param redactedFields input and output fields masked as {@code ***}
 * @param businessKeyFields inputs whose values are kept as searchable business keys
 */
public record EndpointAuditPolicy(
    @NotNull @DecimalMin("0") @DecimalMax("100") Double samplePercent,
    @NotNull Boolean capturePayload,
    @Size(max = 64) Set<@NotNull @Size(min = 1, max = 128) String> redactedFields,
    @Size(max = 16) Set<@NotNull @Size(min = 1, max = 128) String> businessKeyFields) {

  public EndpointAuditPolicy {
    redactedFields = redactedFields == null ? Set.of() : Set.copyOf(redactedFields);
    businessKeyFields = businessKeyFields == null ? Set.of() : Set.copyOf(businessKeyFields);
  }
}
