/**
 * The control plane: registry, artifact store, and (in later capabilities) endpoints and rollouts,
 * graphs, scheduler, drivers, gateway and monitors, in one Spring application that the executable
 * imports through {@link dev.pier.controlplane.ControlPlaneConfiguration}. Features live in their
 * own packages and keep their internals package-private; this package only holds the wiring and
 * {@link dev.pier.controlplane.PierProperties}. Talks to serving runtimes only over the Open
 * Inference Protocol.
 */
package dev.pier.controlplane;
