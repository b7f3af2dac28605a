/**
 * The error vocabulary shared by every control-plane feature: {@link
 * dev.pier.controlplane.error.ErrorCode} (with its {@link
 * dev.pier.controlplane.error.ErrorCategory}) and the one exception that carries it, {@link
 * dev.pier.controlplane.error.PierException}. Protocol-neutral: the REST mapping lives in {@code
 * dev.pier.controlplane.api}, and later protocols (gateway, gRPC) map the same categories in their
 * own single place.
 */
package dev.pier.controlplane.error;
