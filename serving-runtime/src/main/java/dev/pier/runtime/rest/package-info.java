/**
 * The Open Inference Protocol over HTTP: routing, the streaming JSON codec with the binary tensor
 * data extension, and the mapping of runtime errors to {@code {"error": ...}} responses. Talks to
 * the rest of the runtime only through {@link dev.pier.runtime.protocol.InferenceService}.
 */
package dev.pier.runtime.rest;
