package dev.pier.controlplane.registry;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the caller says about a new version, beside its artifact.
 *
 * @param sha256 the artifact's expected SHA-256, if the caller wants it checked
 * @param lineage where the version came from
 * @param metadata anything else, as a JSON object
 */
public record VersionDetails(
    @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be 64 hexadecimal digits") String sha256,
    @Valid Lineage lineage,
    Map<String, Object> metadata) {

  public static final VersionDetails NONE = new VersionDetails(null, null, null);

  public VersionDetails {
    lineage = lineage == null ? Lineage.NONE : lineage;
    metadata =
        metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }
}
