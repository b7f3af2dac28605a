package dev.pier.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.testing.ModelRepositories;
import dev.pier.runtime.testing.Oip;
import dev.pier.runtime.testing.PrometheusSamples;
import dev.pier.runtime.testing.RuntimeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus metrics a real runtime process exposes on its metrics port, checked against the
 * requests the test sent and the models it loaded.
 */
class MetricsIT {
  private static final Map<String, String> IRIS = Map.of("model", "iris", "version", "1");
  private static final Map<String, String> CARS_MPG = Map.of("model", "cars_mpg", "version", "1");

  @TempDir Path repository;

  @Test
  void requestsAreCountedByOutcomeAndTimedAndModelsAreAccounted() throws IOException {
    ModelRepositories.copy(repository, "iris", "cars_mpg");

    try (RuntimeProcess runtime = RuntimeProcess.start(repository)) {
      assertThat(runtime.post("/v2/models/iris/infer", Oip.IRIS_SETOSA).statusCode())
          .isEqualTo(200);
      String threeFeatures = Oip.fp32Request("features", 1, 3, new float[] {5.1f, 3.5f, 1.4f});
      assertThat(runtime.post("/v2/models/iris/infer", threeFeatures).statusCode())
          .as("iris with 3 features instead of 4")
          .isEqualTo(400);

      PrometheusSamples metrics = PrometheusSamples.scrape(runtime);

      assertThat(metrics.value("pier_runtime_requests_total", outcome(IRIS, "success")))
          .isEqualTo(1.0);
      assertThat(metrics.value("pier_runtime_requests_total", outcome(IRIS, "invalid_argument")))
          .isEqualTo(1.0);
      for (ErrorCode code : ErrorCode.values()) {
        if (code != ErrorCode.INVALID_ARGUMENT) {
          String other = code.name().toLowerCase(Locale.ROOT);
          assertThat(metrics.value("pier_runtime_requests_total", outcome(IRIS, other)))
              .as("iris requests counted as %s", other)
              .isZero();
        }
      }
      assertThat(metrics.value("pier_runtime_requests_total", outcome(CARS_MPG, "success")))
          .as("cars_mpg requests, of which there were none")
          .isZero();

      // Every request is timed end to end; only the one that ran is timed inside the model.
      assertThat(metrics.value("pier_runtime_request_duration_seconds_count", IRIS)).isEqualTo(2.0);
      assertThat(
              metrics.bucket(
                  "pier_runtime_request_duration_seconds", IRIS, Double.POSITIVE_INFINITY))
          .isEqualTo(2.0);
      assertThat(metrics.value("pier_runtime_request_duration_seconds_sum", IRIS)).isPositive();
      assertThat(metrics.value("pier_runtime_compute_duration_seconds_count", IRIS)).isEqualTo(1.0);
      assertThat(metrics.value("pier_runtime_queue_duration_seconds_count", IRIS)).isEqualTo(1.0);
      assertThat(metrics.value("pier_runtime_batch_size_rows_count", IRIS)).isEqualTo(1.0);
      assertThat(metrics.bucket("pier_runtime_batch_size_rows", IRIS, 1)).isEqualTo(1.0);
      assertThat(metrics.value("pier_runtime_requests_in_flight", IRIS)).isZero();

      assertThat(metrics.value("pier_runtime_loaded_models", Map.of())).isEqualTo(2.0);
      assertThat(metrics.value("pier_runtime_model_memory_bytes", IRIS))
          .isEqualTo((double) Files.size(repository.resolve("iris/1/model.onnx")));
      assertThat(metrics.value("pier_runtime_model_memory_bytes", CARS_MPG))
          .isEqualTo((double) Files.size(repository.resolve("cars_mpg/1/model.onnx")));

      assertThat(runtime.post("/v2/repository/models/cars_mpg/unload", "").statusCode())
          .isEqualTo(200);
      PrometheusSamples afterUnload = PrometheusSamples.scrape(runtime);
      assertThat(afterUnload.value("pier_runtime_loaded_models", Map.of()))
          .as("loaded models after unloading cars_mpg")
          .isEqualTo(1.0);
      assertThat(afterUnload.value("pier_runtime_model_memory_bytes", CARS_MPG))
          .as("memory of the unloaded cars_mpg")
          .isZero();
      assertThat(afterUnload.value("pier_runtime_requests_total", outcome(IRIS, "success")))
          .as("iris successes are kept across another model's unload")
          .isEqualTo(1.0);
    }
  }

  private static Map<String, String> outcome(Map<String, String> modelVersion, String outcome) {
    return Map.of(
        "model",
        modelVersion.get("model"),
        "version",
        modelVersion.get("version"),
        "outcome",
        outcome);
  }
}
