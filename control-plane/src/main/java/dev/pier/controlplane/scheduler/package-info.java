/**
 * The scheduler: places the model versions that endpoints need on runtime servers, loads and
 * unloads them through the runtimes' model repository API, switches endpoints to a new version once
 * it is ready, and publishes the {@link dev.pier.controlplane.scheduler.Routing} table the gateway
 * routes by. One thread does all of it ({@link dev.pier.controlplane.scheduler.Scheduler}), so
 * decisions never race each other. Drivers start servers; only this package places models.
 */
package dev.pier.controlplane.scheduler;
