/**
 * The registry's REST API under {@code /api/v1/models}: request parsing (names in paths, paging,
 * multipart parts, If-Match) and response shaping (Location, ETag, the artifact download). Calls
 * only {@link dev.pier.controlplane.registry.RegistryService}; errors are thrown as {@code
 * PierException} or left to Spring and rendered by {@code dev.pier.controlplane.api}.
 */
package dev.pier.controlplane.registry.web;
