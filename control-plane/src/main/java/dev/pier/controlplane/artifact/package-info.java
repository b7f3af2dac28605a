/**
 * The artifact store: model files kept by SHA-256, apart from the servers that run them. {@link
 * dev.pier.controlplane.artifact.ArtifactStore} is the contract (stage, inspect, commit; open;
 * exists), {@link dev.pier.controlplane.artifact.LocalArtifactStore} the local-directory driver.
 * Knows nothing about models or versions: the registry decides what is stored and when, and keeps
 * the references.
 */
package dev.pier.controlplane.artifact;
