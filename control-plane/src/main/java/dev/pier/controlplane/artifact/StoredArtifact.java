package dev.pier.controlplane.artifact;

/**
 * An artifact that is in the store.
 *
 * @param sha256 its content digest, which is also its key
 * @param size its length in bytes
 */
public record StoredArtifact(Sha256 sha256, long size) {}
