/**
 * The model registry: models (named, owned, tagged, optimistically locked) and their immutable,
 * numbered versions, each pointing at an ONNX artifact by SHA-256 with the schema read from it,
 * lineage and free metadata.
 *
 * <p>{@link dev.pier.controlplane.registry.RegistryService} is the public entry, with its commands
 * ({@code NewModel}, {@code ModelChanges}, {@code VersionDetails}, {@code VersionFromUri}, {@code
 * ModelQuery}) and views ({@code ModelView}, {@code VersionView}); the entities and repositories
 * are package-private, so neither the REST API ({@code registry.web}) nor the console can bypass
 * the service. Uses the artifact store, the ONNX inspector and the caller's identity.
 */
package dev.pier.controlplane.registry;
