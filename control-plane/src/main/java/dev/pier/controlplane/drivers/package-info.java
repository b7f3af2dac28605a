/**
 * Drivers start and stop runtime server processes; they never place models (that is the
 * scheduler's). A {@link dev.pier.controlplane.drivers.RuntimeDriver} keeps a {@link
 * dev.pier.controlplane.drivers.ServerPool} running; the runtimes it starts then join like any
 * other, by registering with the control plane ({@code runtimes}). {@link
 * dev.pier.controlplane.drivers.LocalProcessDriver} runs them as child processes of the control
 * plane (the embedded default); runtimes on other hosts, started by hand or by systemd, need no
 * driver at all, and a Kubernetes driver (a Deployment and Service per pool) implements the same
 * interface.
 */
package dev.pier.controlplane.drivers;
