/**
 * Who may call the runtime's data plane: the bearer token every REST request and gRPC call must
 * carry when {@code --auth-token} is set ({@link dev.pier.runtime.security.BearerToken}), and the
 * TLS identity of the front ends ({@link dev.pier.runtime.security.ServerTls}). The front ends
 * ({@code rest}, {@code grpc}) apply them; nothing here knows a wire format.
 */
package dev.pier.runtime.security;
