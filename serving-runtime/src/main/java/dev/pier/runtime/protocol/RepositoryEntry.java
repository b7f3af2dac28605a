package dev.pier.runtime.protocol;

/**
 * One row of the model repository index: a model version and its state, with the reason when it is
 * not ready (a failed load's error, an eviction).
 */
public record RepositoryEntry(String name, String version, ModelState state, String reason) {}
