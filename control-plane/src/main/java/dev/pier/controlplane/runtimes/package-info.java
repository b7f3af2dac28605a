/**
 * Runtime servers: serving-runtime processes that register with the control plane ({@code POST
 * /api/v1/runtimes/register}), report their load in heartbeats ({@code POST
 * /api/v1/runtimes/{id}/heartbeat}) and are listed under {@code /api/v1/servers}. A runtime that
 * stops heartbeating for {@code pier.runtimes.lost-after} is LOST.
 *
 * <p>{@link dev.pier.controlplane.runtimes.RuntimeServerService} is the public entry, with the
 * credentials on both sides of the relation: the {@link
 * dev.pier.controlplane.runtimes.RegistrationToken} that runtimes authenticate with (the drivers
 * hand it to the runtimes they start), {@link dev.pier.controlplane.runtimes.RuntimeCredentials}
 * that recognises it on any request (artifact downloads), and {@link
 * dev.pier.controlplane.runtimes.RuntimeAccess}, the token and TLS the control plane calls runtimes
 * with. Entities and repositories are package-private. This package knows nothing about how
 * runtimes are started (that is {@code drivers}) or which models they should hold (that is the
 * scheduler's).
 */
package dev.pier.controlplane.runtimes;
