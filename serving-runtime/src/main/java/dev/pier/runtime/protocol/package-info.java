/**
 * The Open Inference Protocol's model, independent of transport: requests, responses, metadata,
 * repository entries and the runtime's error vocabulary. The REST and gRPC packages translate their
 * wire formats to and from these types; the model package serves them.
 */
package dev.pier.runtime.protocol;
