/**
 * Registration with a Pier control plane: once the runtime listens, {@link
 * dev.pier.runtime.registration.ControlPlaneClient} announces it ({@code POST
 * /api/v1/runtimes/register}) and then reports its load ({@code POST
 * /api/v1/runtimes/{id}/heartbeat}) on one daemon thread of its own. The data plane never depends
 * on it: an unreachable control plane only means retries with backoff, and no request thread ever
 * waits for it. Standalone runtimes (no {@code control-plane-url}) never create it.
 */
package dev.pier.runtime.registration;
