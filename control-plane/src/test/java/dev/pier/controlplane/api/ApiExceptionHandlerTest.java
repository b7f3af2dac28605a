package dev.pier.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.error.ErrorCategory;
import dev.pier.controlplane.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class ApiExceptionHandlerTest {

  @Test
  void onlyInternalErrorsAndUnavailableDependenciesAreServerErrors() {
    for (ErrorCode code : ErrorCode.values()) {
      HttpStatus status = ApiExceptionHandler.status(code.category());
      if (code.category() == ErrorCategory.INTERNAL
          || code.category() == ErrorCategory.UNAVAILABLE) {
        assertThat(status.is5xxServerError()).as(code.name()).isTrue();
      } else {
        assertThat(status.is4xxClientError()).as(code.name()).isTrue();
      }
    }
  }

  @Test
  void theStatusesTheApiPromises() {
    assertThat(ApiExceptionHandler.status(ErrorCode.VALIDATION_FAILED.category()).value())
        .isEqualTo(400);
    assertThat(ApiExceptionHandler.status(ErrorCode.INVALID_NAME.category()).value())
        .isEqualTo(400);
    assertThat(ApiExceptionHandler.status(ErrorCode.UNAUTHENTICATED.category()).value())
        .isEqualTo(401);
    assertThat(ApiExceptionHandler.status(ErrorCode.MODEL_NOT_FOUND.category()).value())
        .isEqualTo(404);
    assertThat(ApiExceptionHandler.status(ErrorCode.RUNTIME_SERVER_NOT_FOUND.category()).value())
        .isEqualTo(404);
    assertThat(ApiExceptionHandler.status(ErrorCode.MODEL_ALREADY_EXISTS.category()).value())
        .isEqualTo(409);
    assertThat(ApiExceptionHandler.status(ErrorCode.REVISION_MISMATCH.category()).value())
        .isEqualTo(412);
    assertThat(ApiExceptionHandler.status(ErrorCode.ARTIFACT_TOO_LARGE.category()).value())
        .isEqualTo(413);
    assertThat(ApiExceptionHandler.status(ErrorCode.UNSUPPORTED_MEDIA_TYPE.category()).value())
        .isEqualTo(415);
    assertThat(ApiExceptionHandler.status(ErrorCode.INVALID_MODEL.category()).value())
        .isEqualTo(422);
    assertThat(ApiExceptionHandler.status(ErrorCode.AUDIT_SINK_UNAVAILABLE.category()).value())
        .isEqualTo(503);
  }

  @Test
  void slugsAreKebabCase() {
    assertThat(ErrorCode.MODEL_NOT_FOUND.slug()).isEqualTo("model-not-found");
  }
}
