package dev.pier.runtime.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.runtime.json.JsonTree;
import dev.pier.runtime.testing.ModelRepositories;
import dev.pier.runtime.testing.RuntimeProcess;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every OIP REST endpoint and datatype against a real runtime process. */
class RestProtocolIT {
  @TempDir static Path repository;
  private static RuntimeProcess runtime;

  private static final List<String> TYPES =
      List.of(
          "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "fp16",
          "fp32", "fp64", "bf16", "bytes");

  @BeforeAll
  static void start() {
    ModelRepositories.copy(repository, "iris", "penguins", "add_sub");
    for (String type : TYPES) {
      ModelRepositories.copy(repository, "identity_" + type);
    }
    runtime = RuntimeProcess.start(repository);
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  @Test
  void healthAndServerMetadata() throws IOException {
    assertThat(runtime.get("/v2/health/live").statusCode()).isEqualTo(200);
    assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);
    Map<?, ?> metadata = json(runtime.get("/v2"));
    assertThat(metadata.get("name")).isEqualTo("pier-runtime");
    assertThat(metadata.get("extensions").toString())
        .contains("binary_tensor_data", "model_repository");
  }

  @Test
  void modelMetadataWithAndWithoutVersion() throws IOException {
    Map<?, ?> metadata = json(runtime.get("/v2/models/iris"));
    assertThat(metadata.get("name")).isEqualTo("iris");
    assertThat(metadata.get("versions")).isEqualTo(List.of("1"));
    assertThat(metadata.get("platform")).isEqualTo("onnxruntime_onnx");
    assertThat(metadata.get("inputs"))
        .isEqualTo(
            List.of(Map.of("name", "features", "datatype", "FP32", "shape", List.of(-1L, 4L))));
    assertThat(((Map<?, ?>) metadata.get("parameters")).get("pier.labels").toString())
        .contains("setosa");
    assertThat(json(runtime.get("/v2/models/iris/versions/1")).get("inputs"))
        .isEqualTo(metadata.get("inputs"));
    assertThat(runtime.get("/v2/models/iris/ready").statusCode()).isEqualTo(200);
    assertThat(runtime.get("/v2/models/iris/versions/1/ready").statusCode()).isEqualTo(200);
    assertThat(runtime.get("/v2/models/nosuchmodel/ready").statusCode()).isEqualTo(404);
    assertThat(runtime.get("/v2/models/iris/versions/7").statusCode()).isEqualTo(404);
  }

  @Test
  void inferEchoesIdAndAnswersEachRow() throws IOException {
    String body =
        """
        {"id": "request-42", "inputs": [{"name": "features", "datatype": "FP32", "shape": [2, 4],
          "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}]}
        """;
    for (String path : List.of("/v2/models/iris/infer", "/v2/models/iris/versions/1/infer")) {
      Map<?, ?> response = json(runtime.post(path, body));
      assertThat(response.get("id")).isEqualTo("request-42");
      assertThat(response.get("model_name")).isEqualTo("iris");
      assertThat(response.get("model_version")).isEqualTo("1");
      Map<?, ?> label = output(response, "label");
      assertThat(label.get("shape")).isEqualTo(List.of(2L));
      // Labels are ["virginica", "setosa", "versicolor"]: setosa first, virginica second.
      assertThat(label.get("data")).isEqualTo(List.of(1L, 0L));
      assertThat(output(response, "probabilities").get("shape")).isEqualTo(List.of(2L, 3L));
    }
  }

  @Test
  void stringInputsReachTheModel() throws IOException {
    String body =
        """
        {"inputs": [
          {"name": "island", "datatype": "BYTES", "shape": [1, 1], "data": ["Biscoe"]},
          {"name": "sex", "datatype": "BYTES", "shape": [1, 1], "data": ["MALE"]},
          {"name": "measurements", "datatype": "FP32", "shape": [1, 4], "data": [49.1, 14.5, 212, 4625]}
        ]}
        """;
    Map<?, ?> response = json(runtime.post("/v2/models/penguins/infer", body));
    // Labels are ["Chinstrap", "Adelie", "Gentoo"]: a heavy Biscoe penguin is a Gentoo.
    assertThat(output(response, "label").get("data")).isEqualTo(List.of(2L));
  }

  @Test
  void requestedOutputsAreTheOnlyOnesReturned() throws IOException {
    String body =
        """
        {"inputs": [
          {"name": "a", "datatype": "FP32", "shape": [1, 4], "data": [1, 2, 3, 4]},
          {"name": "b", "datatype": "FP32", "shape": [1, 4], "data": [4, 3, 2, 1]}],
         "outputs": [{"name": "difference"}]}
        """;
    Map<?, ?> response = json(runtime.post("/v2/models/add_sub/infer", body));
    List<?> outputs = (List<?>) response.get("outputs");
    assertThat(outputs).hasSize(1);
    assertThat(output(response, "difference").get("data")).isEqualTo(List.of(-3.0, -1.0, 1.0, 3.0));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "bool   | BOOL   | [true, false, true]",
        "uint8  | UINT8  | [0, 128, 255]",
        "uint16 | UINT16 | [0, 40000, 65535]",
        "uint32 | UINT32 | [0, 3000000000, 4294967295]",
        "uint64 | UINT64 | [0, 9223372036854775808, 18446744073709551615]",
        "int8   | INT8   | [-128, 0, 127]",
        "int16  | INT16  | [-32768, 7, 32767]",
        "int32  | INT32  | [-2147483648, 7, 2147483647]",
        "int64  | INT64  | [-9223372036854775808, 7, 9223372036854775807]",
        "fp16   | FP16   | [0.5, -2.0, 65504.0]",
        "fp32   | FP32   | [1.5, -2.25, 3.4028235E38]",
        "fp64   | FP64   | [1.5, -2.25, 1.7976931348623157E308]",
        "bf16   | BF16   | [0.5, -2.0, 1.0]",
        "bytes  | BYTES  | ['plain', 'nul\\u0000inside', 'emoji 🚢']",
      })
  void everyDatatypeRoundTripsThroughJson(String model, String datatype, String data)
      throws IOException {
    String json = data.replace('\'', '"');
    String body =
        "{\"inputs\": [{\"name\": \"input\", \"datatype\": \""
            + datatype
            + "\", \"shape\": [1, 3], \"data\": "
            + json
            + "}]}";
    HttpResponse<String> response = runtime.post("/v2/models/identity_" + model + "/infer", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<?, ?> output = output(json(response), "output");
    assertThat(output.get("datatype")).isEqualTo(datatype);
    assertThat(output.get("shape")).isEqualTo(List.of(1L, 3L));
    Object expected = JsonTree.parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(numbersAsText(output.get("data"))).isEqualTo(numbersAsText(expected));
  }

  @ParameterizedTest
  @CsvSource({
    "identity_fp16, FP16",
    "identity_bf16, BF16",
    "identity_uint64, UINT64",
    "identity_int8, INT8"
  })
  void binaryTensorDataRoundTripsBitExactly(String model, String datatype) {
    int width = datatype.equals("UINT64") ? 8 : datatype.equals("INT8") ? 1 : 2;
    byte[] raw = new byte[6 * width];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (i * 37 + 11); // arbitrary bits, NaN payloads and subnormals included
    }
    if (!datatype.equals("UINT64") && !datatype.equals("INT8")) {
      raw[0] = 0x01; // a half-precision NaN with a payload must survive untouched
      raw[1] = 0x7E;
    }
    String header =
        "{\"inputs\": [{\"name\": \"input\", \"datatype\": \""
            + datatype
            + "\", \"shape\": [2, 3], \"parameters\": {\"binary_data_size\": "
            + raw.length
            + "}}], \"outputs\": [{\"name\": \"output\", \"parameters\": {\"binary_data\": true}}]}";
    byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(headerBytes, headerBytes.length + raw.length);
    System.arraycopy(raw, 0, body, headerBytes.length, raw.length);
    HttpResponse<byte[]> response =
        runtime.sendForBytes(
            HttpRequest.newBuilder(runtime.uri("/v2/models/" + model + "/infer"))
                .header("Inference-Header-Content-Length", Integer.toString(headerBytes.length))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    assertThat(response.statusCode()).isEqualTo(200);
    int jsonLength =
        Integer.parseInt(
            response.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    String responseHeader = new String(response.body(), 0, jsonLength, StandardCharsets.UTF_8);
    assertThat(responseHeader)
        .contains("\"binary_data_size\":" + raw.length)
        .doesNotContain("\"data\"");
    assertThat(Arrays.copyOfRange(response.body(), jsonLength, response.body().length))
        .isEqualTo(raw);
  }

  @Test
  void binaryStringsUseLengthPrefixes() throws IOException {
    HttpResponse<String> text =
        sendBinaryStrings(
            "a".getBytes(StandardCharsets.UTF_8), "ß🚢".getBytes(StandardCharsets.UTF_8));
    assertThat(output(json(text), "output").get("data")).isEqualTo(List.of("a", "ß🚢"));
    // ONNX string tensors hold text: bytes that are not UTF-8 are refused, never mangled.
    HttpResponse<String> binary = sendBinaryStrings(new byte[] {0, (byte) 0xFF, 1});
    assertThat(binary.statusCode()).isEqualTo(400);
    assertThat(binary.body()).contains("input 'input' element 0 is not valid UTF-8");
  }

  private static HttpResponse<String> sendBinaryStrings(byte[]... elements) {
    int size = 0;
    for (byte[] element : elements) {
      size += 4 + element.length;
    }
    ByteBuffer raw = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] element : elements) {
      raw.putInt(element.length).put(element);
    }
    String header =
        "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"BYTES\", \"shape\": [1, "
            + elements.length
            + "], \"parameters\": {\"binary_data_size\": "
            + size
            + "}}]}";
    byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(headerBytes, headerBytes.length + size);
    System.arraycopy(raw.array(), 0, body, headerBytes.length, size);
    return runtime.send(
        HttpRequest.newBuilder(runtime.uri("/v2/models/identity_bytes/infer"))
            .header("Inference-Header-Content-Length", Integer.toString(headerBytes.length))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  @Test
  void binaryDataOutputAppliesToEveryOutput() {
    String body =
        """
        {"parameters": {"binary_data_output": true}, "inputs": [
          {"name": "a", "datatype": "FP32", "shape": [1, 4], "data": [1, 2, 3, 4]},
          {"name": "b", "datatype": "FP32", "shape": [1, 4], "data": [1, 1, 1, 1]}]}
        """;
    HttpResponse<byte[]> response =
        runtime.sendForBytes(
            HttpRequest.newBuilder(runtime.uri("/v2/models/add_sub/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    int jsonLength =
        Integer.parseInt(
            response.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    ByteBuffer binary =
        ByteBuffer.wrap(response.body(), jsonLength, response.body().length - jsonLength)
            .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(binary.remaining()).isEqualTo(32);
    float[] values = new float[8];
    for (int i = 0; i < 8; i++) {
      values[i] = binary.getFloat();
    }
    assertThat(values).containsExactly(2, 3, 4, 5, 0, 1, 2, 3);
  }

  private static Map<?, ?> json(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (Map<?, ?>) JsonTree.parse(response.body().getBytes(StandardCharsets.UTF_8));
  }

  private static Map<?, ?> output(Map<?, ?> response, String name) {
    for (Object output : (List<?>) response.get("outputs")) {
      if (((Map<?, ?>) output).get("name").equals(name)) {
        return (Map<?, ?>) output;
      }
    }
    throw new AssertionError("no output " + name + " in " + response);
  }

  /** Compares numbers by value whatever their JSON spelling (1 and 1.0, exponents). */
  private static Object numbersAsText(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(RestProtocolIT::numbersAsText).toList();
    }
    if (value instanceof Number number) {
      return new java.math.BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
    }
    return value;
  }
}
