/**
 * Models and their lifecycle: the repository directory, loading and reloading ONNX Runtime
 * sessions, memory accounting with least-recently-used eviction, request validation against each
 * model's schema, and dynamic batching. {@link dev.pier.runtime.model.ModelServer} is the one
 * public entry; everything else is package-private.
 */
package dev.pier.runtime.model;
