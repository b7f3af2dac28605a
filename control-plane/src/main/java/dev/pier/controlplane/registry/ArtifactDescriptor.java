package dev.pier.controlplane.registry;

import dev.pier.controlplane.artifact.Sha256;

/**
 * The artifact of one version, as the download endpoint serves it.
 *
 * @param fileName a name for the downloaded file: {@code <model>-<number>.onnx}
 * @param sha256 the content's digest
 * @param size the content's length in bytes
 */
public record ArtifactDescriptor(String fileName, Sha256 sha256, long size) {}
