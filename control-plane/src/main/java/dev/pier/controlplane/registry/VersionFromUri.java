package dev.pier.controlplane.registry;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.Map;

/**
 * A new version whose artifact the control plane fetches.
 *
 * @param uri an {@code http}, {@code https} or {@code file} URI of the ONNX file
 * @param sha256 the artifact's expected SHA-256, if the caller wants it checked
 * @param lineage where the version came from
 * @param metadata anything else, as a JSON object
 */
public record VersionFromUri(
    @NotNull URI uri,
    @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be 64 hexadecimal digits") String sha256,
    @Valid Lineage lineage,
    Map<String, Object> metadata) {

  public VersionDetails details() {
    return new VersionDetails(sha256, lineage, metadata);
  }
}
