/**
 * The gateway: the Open Inference Protocol on the control plane ({@code /v2/models/{endpoint}...}).
 * It resolves an endpoint through the scheduler's {@link dev.pier.controlplane.scheduler.Routing}
 * table, forwards the request's bytes (a servlet on {@code /v2/*}, a blocking HTTP/1.1 client over
 * pooled keep-alive connections, both on the request thread) to the least busy READY runtime
 * server, retries once on another replica when a connection fails, and answers errors as OIP {@code
 * {"error": "..."}} (never problem details). It never touches the database on the request path.
 *
 * <p>The same over OIP gRPC ({@link dev.pier.controlplane.gateway.GrpcGateway}, on {@code
 * pier.gateway.grpc-port}): forwarded asynchronously over one persistent channel per runtime
 * server, with gRPC status codes instead of HTTP ones.
 */
package dev.pier.controlplane.gateway;
