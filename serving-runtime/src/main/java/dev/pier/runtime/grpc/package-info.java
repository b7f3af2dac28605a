/**
 * The Open Inference Protocol over gRPC: {@link dev.pier.runtime.grpc.GrpcServer} serves the
 * generated {@code GRPCInferenceService} (with Triton's repository RPCs) and the standard {@code
 * grpc.health.v1} service, translating messages to and from the transport-neutral {@code protocol}
 * and {@code tensor} types and every {@code ErrorCode} to a {@code google.rpc.Status}. Only {@code
 * GrpcServer} is public; the codecs and the service implementation are internals, and nothing here
 * knows how models are loaded or run.
 */
package dev.pier.runtime.grpc;
