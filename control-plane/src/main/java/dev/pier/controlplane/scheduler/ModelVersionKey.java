package dev.pier.controlplane.scheduler;

/** A model version as the scheduler and the router key it: the runtime serves it as is. */
record ModelVersionKey(String model, int version) {}
