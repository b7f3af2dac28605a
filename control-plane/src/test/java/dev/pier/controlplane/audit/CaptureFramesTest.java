package dev.pier.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CaptureFramesTest {
  @Test
  void aCaptureSurvivesTheRoundTripWithEveryFieldAndPayload() {
    InferenceCapture capture =
        new InferenceCapture(
            Instant.parse("2026-12-02T04:00:00.123456789Z"),
            "flowers",
            "iris",
            3,
            "canary",
            "alice ü",
            CapturedPayload.json("{\"id\":\"r-1\"}".getBytes(StandardCharsets.UTF_8)),
            new CapturedPayload(CapturedPayload.Format.GRPC_INFER_RESPONSE, new byte[] {0, 1, -1}),
            200,
            null,
            123_456L,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "10.0.0.1");

    InferenceCapture decoded = CaptureFrames.decode(CaptureFrames.encode(capture));

    assertThat(decoded)
        .usingRecursiveComparison()
        .ignoringFields("requestJson", "responseJson")
        .isEqualTo(capture);
    assertThat(decoded.requestJson().format()).isEqualTo(CapturedPayload.Format.JSON);
    assertThat(decoded.requestJson().bytes()).isEqualTo(capture.requestJson().bytes());
    assertThat(decoded.responseJson().format())
        .isEqualTo(CapturedPayload.Format.GRPC_INFER_RESPONSE);
    assertThat(decoded.responseJson().bytes()).containsExactly(0, 1, -1);
  }

  @Test
  void nullsStayNull() {
    InferenceCapture capture =
        new InferenceCapture(
            Instant.EPOCH,
            "nowhere",
            null,
            0,
            null,
            "bob",
            null,
            null,
            404,
            "no such endpoint",
            1,
            null,
            null);

    InferenceCapture decoded = CaptureFrames.decode(CaptureFrames.encode(capture));

    assertThat(decoded).isEqualTo(capture);
  }
}
