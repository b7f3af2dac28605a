package dev.pier.runtime.grpc;

import static dev.pier.runtime.grpc.ModelInferTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.pier.runtime.grpc.proto.ModelMetadataRequest;
import dev.pier.runtime.grpc.proto.RepositoryModelLoadRequest;
import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.protocol.InferenceException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every {@link ErrorCode} on the wire, as a client sees it. */
class GrpcErrorsTest {

  private final FakeInferenceService fake = new FakeInferenceService();
  private InProcessGrpc grpc;

  @BeforeEach
  void start() {
    grpc = new InProcessGrpc(fake);
  }

  @AfterEach
  void stop() {
    grpc.close();
  }

  /** The mapping, pinned: changing one is a protocol change clients will notice. */
  private static Status.Code expectedCode(ErrorCode errorCode) {
    return switch (errorCode) {
      case INVALID_ARGUMENT, PAYLOAD_TOO_LARGE -> Status.Code.INVALID_ARGUMENT;
      case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case UNAVAILABLE, SHUTTING_DOWN -> Status.Code.UNAVAILABLE;
      case OVERLOADED -> Status.Code.RESOURCE_EXHAUSTED;
      case UNIMPLEMENTED -> Status.Code.UNIMPLEMENTED;
      case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void eachErrorCodeBecomesItsStatusWithTheMessageAndTheCodeAsReason(ErrorCode errorCode)
      throws InvalidProtocolBufferException {
    String message = "model 'echo' says " + errorCode;
    fake.failure = new InferenceException(errorCode, message);

    StatusRuntimeException failure = inferFailure();

    assertThat(failure.getStatus().getCode()).isEqualTo(expectedCode(errorCode));
    assertThat(failure.getStatus().getDescription()).isEqualTo(message);
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    assertThat(status).isNotNull();
    assertThat(status.getCode()).isEqualTo(expectedCode(errorCode).value());
    assertThat(status.getMessage()).isEqualTo(message);
    ErrorInfo errorInfo = status.getDetails(0).unpack(ErrorInfo.class);
    assertThat(errorInfo.getReason()).isEqualTo(errorCode.name());
    assertThat(errorInfo.getDomain()).isEqualTo(GrpcErrors.DOMAIN);
    if (errorCode == ErrorCode.OVERLOADED) {
      RetryInfo retry = status.getDetails(1).unpack(RetryInfo.class);
      assertThat(retry.getRetryDelay().getSeconds()).isPositive();
    } else {
      assertThat(status.getDetailsCount()).isEqualTo(1);
    }
  }

  @Test
  void errorsOfTheOtherRpcsAreMappedTheSameWay() {
    assertThatThrownBy(
            () ->
                grpc.inference()
                    .modelMetadata(ModelMetadataRequest.newBuilder().setName("missing").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            failure -> {
              assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(failure.getStatus().getDescription()).contains("'missing'");
            });

    fake.failure = new InferenceException(ErrorCode.FAILED_PRECONDITION, "sha256 mismatch");
    assertThatThrownBy(
            () ->
                grpc.inference()
                    .repositoryModelLoad(
                        RepositoryModelLoadRequest.newBuilder().setModelName("echo").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            failure -> {
              assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(failure.getStatus().getDescription()).isEqualTo("sha256 mismatch");
            });
  }

  @Test
  void anUnexpectedExceptionIsInternalWithoutItsDetails() {
    fake.failure = new IllegalStateException("secret path /var/lib/pier/models");

    StatusRuntimeException failure = inferFailure();

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(failure.getStatus().getDescription()).isEqualTo(GrpcErrors.INTERNAL_MESSAGE);
    assertThat(failure.getStatus().getCause()).isNull();
    assertThat(failure.toString()).doesNotContain("secret");
    assertThat(StatusProto.fromThrowable(failure).toString()).doesNotContain("secret");
  }

  private StatusRuntimeException inferFailure() {
    try {
      grpc.inference().modelInfer(request().build());
    } catch (StatusRuntimeException failure) {
      return failure;
    }
    throw new AssertionError("the call succeeded");
  }
}
