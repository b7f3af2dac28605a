package dev.pier.controlplane.drivers;

import java.util.OptionalLong;

/**
 * One server a driver runs.
 *
 * @param name the runtime server name it registers under
 * @param pool the pool it belongs to
 * @param pid its operating-system process id, where the driver has one (local processes)
 * @param running whether it runs now (false between a crash and its restart)
 * @param restarts how often the driver restarted it after it exited unexpectedly
 */
public record DriverProcess(
    String name, String pool, OptionalLong pid, boolean running, int restarts) {}
