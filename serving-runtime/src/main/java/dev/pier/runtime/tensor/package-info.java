/**
 * Typed, flat tensors and tensor specifications: the one data representation shared by the REST and
 * gRPC codecs and the ONNX Runtime execution path. Depends on nothing else of the runtime's.
 */
package dev.pier.runtime.tensor;
