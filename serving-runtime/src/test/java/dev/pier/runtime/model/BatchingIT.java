package dev.pier.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.pier.runtime.testing.Concurrently;
import dev.pier.runtime.testing.ModelRepositories;
import dev.pier.runtime.testing.Oip;
import dev.pier.runtime.testing.Oip.InferResponse;
import dev.pier.runtime.testing.PrometheusSamples;
import dev.pier.runtime.testing.RuntimeProcess;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dynamic batching through a real runtime process: concurrent callers' rows are merged into shared
 * batches yet every caller gets exactly the answer its own rows would get alone, and a full queue
 * turns requests away at once with a retry hint instead of queueing them without bound.
 */
class BatchingIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final int CALLERS = 32;
  private static final int ROUNDS = 4;
  private static final String BATCHING =
      "\"dynamic_batching\": {\"max_batch_size\": 32, \"max_queue_delay_microseconds\": 20000}";

  /**
   * How far a batched answer may stray from the unbatched one. On the CPUs tried they are
   * bit-for-bit equal, but ONNX Runtime may pick other GEMM kernels for other batch sizes and sum
   * in another order; a row from another caller would be off by orders of magnitude more.
   */
  private static final float TOLERANCE = 1e-6f;

  @TempDir Path repository;

  /** A model under test, with the input its callers fill with [rows, columns] of FP32 features. */
  record Served(String name, String input, int columns, float low, float high) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Served> models() {
    return List.of(
        new Served("iris", "features", 4, 0.1f, 7.9f), new Served("mlp", "input", 784, -1f, 1f));
  }

  /** One caller's request in one round, and what the model answers to its rows alone. */
  record Call(int caller, int round, int rows, float[] data, Map<String, Expected> expected) {}

  record Expected(long[] shape, float[] floats, long[] longs) {}

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void concurrentCallersEachGetExactlyTheirOwnRowsFromMergedBatches(Served model)
      throws OrtException {
    ModelRepositories.copy(repository, model.name());
    ModelRepositories.writeConfig(repository, model.name(), "{" + BATCHING + "}");
    Path modelFile = repository.resolve(model.name() + "/1/model.onnx");

    Call[][] calls = new Call[ROUNDS][CALLERS];
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession reference = environment.createSession(modelFile.toString(), options)) {
        for (int round = 0; round < ROUNDS; round++) {
          for (int caller = 0; caller < CALLERS; caller++) {
            int rows = caller % 3 + 1;
            float[] data = features(model, caller, round, rows);
            calls[round][caller] =
                new Call(
                    caller, round, rows, data, alone(environment, reference, model, rows, data));
          }
        }
      }
    }

    try (RuntimeProcess runtime = RuntimeProcess.start(repository)) {
      for (int round = 0; round < ROUNDS; round++) {
        Call[] roundCalls = calls[round];
        List<HttpResponse<String>> responses =
            Concurrently.run(
                CALLERS,
                DEADLINE,
                caller -> {
                  Call call = roundCalls[caller];
                  return runtime.post(
                      "/v2/models/" + model.name() + "/infer",
                      Oip.fp32Request(model.input(), call.rows(), model.columns(), call.data()));
                });
        for (int caller = 0; caller < CALLERS; caller++) {
          assertOwnAnswer(roundCalls[caller], Oip.inferResponse(responses.get(caller)));
        }
      }

      PrometheusSamples metrics = PrometheusSamples.scrape(runtime);
      Map<String, String> labels = Map.of("model", model.name(), "version", "1");
      double requests = metrics.value("pier_runtime_batch_size_rows_count", labels);
      assertThat(requests).isEqualTo(CALLERS * ROUNDS);
      assertThat(
              metrics.value(
                  "pier_runtime_requests_total",
                  Map.of("model", model.name(), "version", "1", "outcome", "success")))
          .isEqualTo(CALLERS * ROUNDS);
      assertThat(requests - metrics.bucket("pier_runtime_batch_size_rows", labels, 4))
          .as("requests that ran in a batch of more than 4 rows, when no caller sends more than 3")
          .isPositive();
      assertThat(metrics.bucket("pier_runtime_batch_size_rows", labels, 32))
          .as("requests that ran in a batch within max_batch_size 32")
          .isEqualTo(requests);
    }
  }

  @Test
  void aFullQueueTurnsRequestsAwayWithRetryAfterAndTheServerStaysReady() {
    int callers = 64;
    int rows = 16;
    ModelRepositories.copy(repository, "mlp");
    ModelRepositories.writeConfig(repository, "mlp", "{" + BATCHING + ", \"max_queue_size\": 2}");
    Served mlp = models().get(1);
    String request = Oip.fp32Request("input", rows, mlp.columns(), features(mlp, 0, 0, rows));

    try (RuntimeProcess runtime = RuntimeProcess.start(repository)) {
      List<HttpResponse<String>> responses =
          Concurrently.run(
              callers, DEADLINE, caller -> runtime.post("/v2/models/mlp/infer", request));

      List<HttpResponse<String>> accepted =
          responses.stream().filter(response -> response.statusCode() == 200).toList();
      List<HttpResponse<String>> turnedAway =
          responses.stream().filter(response -> response.statusCode() != 200).toList();
      assertThat(accepted).as("requests served from a queue of 2").isNotEmpty();
      assertThat(turnedAway)
          .as("requests beyond a queue of 2, of %d at once", callers)
          .isNotEmpty();
      assertThat(turnedAway)
          .allSatisfy(
              response -> {
                assertThat(response.statusCode()).isEqualTo(503);
                Optional<String> retryAfter = response.headers().firstValue("Retry-After");
                assertThat(retryAfter).as("Retry-After of a 503").isPresent();
                assertThat(Integer.parseInt(retryAfter.orElseThrow())).isPositive();
                assertThat(Oip.error(response)).contains("mlp").containsIgnoringCase("retry");
              });
      for (HttpResponse<String> response : accepted) {
        assertThat(Oip.inferResponse(response).output("logits").shape()).containsExactly(rows, 10);
      }

      PrometheusSamples metrics = PrometheusSamples.scrape(runtime);
      assertThat(
              metrics.value(
                  "pier_runtime_requests_total",
                  Map.of("model", "mlp", "version", "1", "outcome", "overloaded")))
          .as("requests counted as overloaded")
          .isEqualTo(turnedAway.size());
      assertThat(
              metrics.value(
                  "pier_runtime_requests_in_flight", Map.of("model", "mlp", "version", "1")))
          .as("requests in flight once every caller has its answer")
          .isZero();

      assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);
      // Admission slots all came back: one request after another is served again.
      for (int i = 0; i < 3; i++) {
        assertThat(runtime.post("/v2/models/mlp/infer", request).statusCode())
            .as("request %d after the flood", i)
            .isEqualTo(200);
      }
    }
  }

  /** Feature values that differ for every caller, round and row, within the model's range. */
  private static float[] features(Served model, int caller, int round, int rows) {
    Random random = new Random(1_000_003L * caller + round);
    float[] data = new float[rows * model.columns()];
    for (int i = 0; i < data.length; i++) {
      data[i] = model.low() + (model.high() - model.low()) * random.nextFloat();
    }
    return data;
  }

  /** What the model answers to these rows run on their own, from ONNX Runtime in this process. */
  private static Map<String, Expected> alone(
      OrtEnvironment environment, OrtSession session, Served model, int rows, float[] data)
      throws OrtException {
    Map<String, Expected> outputs = new LinkedHashMap<>();
    try (OnnxTensor input =
            OnnxTensor.createTensor(
                environment, FloatBuffer.wrap(data), new long[] {rows, model.columns()});
        OrtSession.Result result = session.run(Map.of(model.input(), input))) {
      for (Map.Entry<String, OnnxValue> output : result) {
        OnnxTensor tensor = (OnnxTensor) output.getValue();
        TensorInfo info = tensor.getInfo();
        Expected expected =
            switch (info.type) {
              case FLOAT -> {
                FloatBuffer buffer = tensor.getFloatBuffer();
                float[] floats = new float[buffer.remaining()];
                buffer.get(floats);
                yield new Expected(info.getShape(), floats, null);
              }
              case INT64 -> {
                LongBuffer buffer = tensor.getLongBuffer();
                long[] longs = new long[buffer.remaining()];
                buffer.get(longs);
                yield new Expected(info.getShape(), null, longs);
              }
              default -> throw new AssertionError("unexpected output type " + info.type);
            };
        outputs.put(output.getKey(), expected);
      }
    }
    return outputs;
  }

  private static void assertOwnAnswer(Call call, InferResponse response) {
    assertThat(response.outputs().keySet())
        .as("outputs for caller %d", call.caller())
        .containsExactlyInAnyOrderElementsOf(call.expected().keySet());
    for (Map.Entry<String, Expected> output : call.expected().entrySet()) {
      Oip.Output actual = response.output(output.getKey());
      Expected expected = output.getValue();
      String description =
          "output "
              + output.getKey()
              + " of caller "
              + call.caller()
              + " in round "
              + call.round()
              + " ("
              + call.rows()
              + " rows)";
      assertThat(actual.shape()).as(description).containsExactly(expected.shape());
      if (expected.floats() != null) {
        assertThat(actual.floats())
            .as(description)
            .containsExactly(expected.floats(), within(TOLERANCE));
      } else {
        assertThat(actual.longs()).as(description).containsExactly(expected.longs());
      }
    }
  }
}
