package dev.pier.controlplane.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

/** Calling the gateway over gRPC as its clients do: with credentials, and failures caught. */
public final class GrpcCalls {
  /** The metadata the gateway reads a caller's credentials from. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private GrpcCalls() {}

  /** The stub sending {@code authorization} ({@code Bearer <token>}) with every call. */
  public static <S extends AbstractStub<S>> S authorizedBy(S stub, String authorization) {
    Metadata credentials = new Metadata();
    credentials.put(AUTHORIZATION, authorization);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(credentials));
  }

  /** The failure of a call that must fail. */
  public static StatusRuntimeException failure(Runnable call) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(failure).as("the call fails").isNotNull();
    return failure;
  }
}
