package dev.pier.runtime.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.runtime.testing.ModelRepositories;
import dev.pier.runtime.testing.RuntimeProcess;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every kind of client mistake gets a clear error that names the problem, and leaves the server
 * healthy: after each test a valid request must still succeed.
 */
class BadInputIT {
  @TempDir static Path repository;
  private static RuntimeProcess runtime;

  private static final String VALID =
      "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 4],"
          + " \"data\": [5.1, 3.5, 1.4, 0.2]}]}";

  @BeforeAll
  static void start() {
    ModelRepositories.copy(repository, "iris", "add_sub", "identity_int8", "identity_uint8");
    runtime = RuntimeProcess.start(repository, "--max-request-size", "1MiB");
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  @AfterEach
  void serverIsStillHealthy() {
    assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);
    assertThat(runtime.post("/v2/models/iris/infer", VALID).statusCode()).isEqualTo(200);
    assertThat(runtime.process().isAlive()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "malformed JSON | iris | {\"inputs\": [ | malformed JSON",
        "not an object | iris | [1, 2] | must be a JSON object",
        "no inputs | iris | {} | 'inputs' is required",
        "unknown field | iris | {\"input\": []} | unknown field 'input'",
        "unknown input | iris | {\"inputs\": [{\"name\": \"petals\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": [1, 2, 3, 4]}]} | unknown input 'petals'",
        "missing input | add_sub | {\"inputs\": [{\"name\": \"a\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": [1, 2, 3, 4]}]} | missing input 'b'",
        "wrong datatype | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP64\", \"shape\": [1, 4], \"data\": [1, 2, 3, 4]}]} | input 'features' has datatype FP64 but model 'iris' expects FP32",
        "unknown datatype | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FLOAT\", \"shape\": [1, 4], \"data\": [1, 2, 3, 4]}]} | unknown datatype 'FLOAT'",
        "wrong rank | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [4], \"data\": [1, 2, 3, 4]}]} | expects rank 2",
        "wrong fixed dimension | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 5], \"data\": [1, 2, 3, 4, 5]}]} | dimension 1 but model 'iris' expects 4",
        "too few elements | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [2, 4], \"data\": [1, 2, 3, 4]}]} | has 4 data elements but its shape needs 8",
        "too many elements | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": [1, 2, 3, 4, 5]}]} | more data elements than its shape holds",
        "negative dimension | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [-1, 4], \"data\": [1, 2, 3, 4]}]} | negative dimension",
        "absurd shape | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [100000000, 4], \"data\": [1, 2, 3, 4]}]} | too small to hold them",
        "overflowing shape | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [9223372036854775807, 4], \"data\": [1]}]} | dimensions must be non-negative",
        "string for a number | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": [1, \"two\", 3, 4]}]} | element 1 is the string \\\"two\\\" but datatype FP32 needs a number",
        "out of INT8 range | identity_int8 | {\"inputs\": [{\"name\": \"input\", \"datatype\": \"INT8\", \"shape\": [1, 1], \"data\": [300]}]} | outside INT8's range",
        "negative UINT8 | identity_uint8 | {\"inputs\": [{\"name\": \"input\", \"datatype\": \"UINT8\", \"shape\": [1, 1], \"data\": [-1]}]} | outside UINT8's range",
        "fraction for an integer | identity_int8 | {\"inputs\": [{\"name\": \"input\", \"datatype\": \"INT8\", \"shape\": [1, 1], \"data\": [1.5]}]} | needs an integer",
        "unknown output | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": [1, 2, 3, 4]}], \"outputs\": [{\"name\": \"logits\"}]} | unknown output 'logits'",
        "duplicate input | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": [1, 2, 3, 4]}, {\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": [1, 2, 3, 4]}]} | given more than once",
        "binary size without binary data | iris | {\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"parameters\": {\"binary_data_size\": 16}}]} | only 0 bytes of binary data remain",
        "duplicate key | iris | {\"inputs\": [], \"inputs\": []} | malformed JSON",
      })
  void clientMistakesAreBadRequestsNamingTheProblem(
      String description, String model, String body, String message) {
    HttpResponse<String> response = runtime.post("/v2/models/" + model + "/infer", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body()).startsWith("{\"error\":").contains(message);
  }

  @Test
  void unknownModelsAndVersionsAreNotFound() {
    HttpResponse<String> model = runtime.post("/v2/models/nosuchmodel/infer", VALID);
    assertThat(model.statusCode()).isEqualTo(404);
    assertThat(model.body()).contains("unknown model 'nosuchmodel'");
    HttpResponse<String> version = runtime.post("/v2/models/iris/versions/9/infer", VALID);
    assertThat(version.statusCode()).isEqualTo(404);
    assertThat(version.body()).contains("unknown version '9'");
    assertThat(runtime.get("/v2/unknown/path").statusCode()).isEqualTo(404);
  }

  @Test
  void deeplyNestedJsonIsRejectedBeforeItCostsAnything() {
    String nested = "[".repeat(5000) + "1" + "]".repeat(5000);
    String body =
        "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": "
            + nested
            + "}]}";
    HttpResponse<String> response = runtime.post("/v2/models/iris/infer", body);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("nesting deeper than 64 levels");
  }

  @Test
  void oversizedBodiesAreRefusedWithoutBeingRead() {
    String padding = "0,".repeat(1_100_000);
    String body =
        "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": ["
            + padding
            + "0]}]}";
    HttpResponse<String> response = runtime.post("/v2/models/iris/infer", body);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("exceeds the limit of 1048576 bytes");
  }

  @Test
  void binaryHeaderLengthMustFitTheBody() {
    HttpResponse<String> response =
        runtime.send(
            HttpRequest.newBuilder(runtime.uri("/v2/models/iris/infer"))
                .header("Inference-Header-Content-Length", "999999")
                .POST(HttpRequest.BodyPublishers.ofString(VALID))
                .build());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("Inference-Header-Content-Length is 999999");
  }

  @Test
  void unsupportedContentEncodingIsNotImplemented() {
    HttpResponse<String> response =
        runtime.send(
            HttpRequest.newBuilder(runtime.uri("/v2/models/iris/infer"))
                .header("Content-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofString(VALID))
                .build());
    assertThat(response.statusCode()).isEqualTo(501);
    assertThat(response.body()).contains("Content-Encoding 'br' is not supported");
  }

  @Test
  void wrongMethodIsABadRequest() {
    HttpResponse<String> response = runtime.get("/v2/models/iris/infer");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("use POST");
  }
}
