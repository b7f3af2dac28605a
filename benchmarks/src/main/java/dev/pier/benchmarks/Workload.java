package dev.pier.benchmarks;

import com.google.protobuf.ByteString;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One model's batch-1 request, prepared once in every encoding a path needs so that no client
 * spends measured time serialising.
 *
 * @param model the model name
 * @param inputName the model's single FP32 input
 * @param values the input row
 */
record Workload(String model, String inputName, float[] values) {

  /** Iris: one flower's four measurements. */
  static Workload iris() {
    return new Workload("iris", "features", new float[] {5.1f, 3.5f, 1.4f, 0.2f});
  }

  /**
   * The MLP: 784 pixel intensities in [0, 1) with four decimals, about what a normalised 28x28
   * image looks like as JSON (roughly 5 KiB of text). Seeded, so every run sends the same bytes.
   */
  static Workload mlp() {
    SplittableRandom random = new SplittableRandom(784);
    float[] values = new float[784];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextInt(10_000) / 10_000f;
    }
    return new Workload("mlp", "input", values);
  }

  static Workload named(String name) {
    return switch (name) {
      case "iris" -> iris();
      case "mlp" -> mlp();
      default -> throw new IllegalArgumentException("unknown model '" + name + "'; use iris, mlp");
    };
  }

  /** The same input, served under another name (the batching-on copy of a model). */
  Workload as(String servedName) {
    return new Workload(servedName, inputName, values);
  }

  long[] shape() {
    return new long[] {1, values.length};
  }

  /** The OIP JSON body: one input, flat data. */
  byte[] jsonBody() {
    StringBuilder json = new StringBuilder(values.length * 8 + 128);
    json.append("{\"inputs\":[{\"name\":\"")
        .append(inputName)
        .append("\",\"datatype\":\"FP32\",\"shape\":[1,")
        .append(values.length)
        .append("],\"data\":[");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append(values[i]);
    }
    json.append("]}]}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A complete HTTP/1.1 keep-alive POST of {@link #jsonBody()} to {@code /v2/models/m/infer}. */
  byte[] httpRequest(int port) {
    return httpRequest(port, "/v2/models/" + model + "/infer");
  }

  /** A complete HTTP/1.1 keep-alive POST of {@link #jsonBody()} to {@code path}. */
  byte[] httpRequest(int port, String path) {
    return httpRequest(port, path, null);
  }

  /**
   * The same with an {@code Authorization} header (a runtime's auth token, as the gateway sends
   * it), or without one when {@code authorization} is null.
   */
  byte[] httpRequest(int port, String path, String authorization) {
    byte[] body = jsonBody();
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + (authorization == null ? "" : "\r\nAuthorization: " + authorization)
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  /** The gRPC request with the tensor in raw_input_contents (little-endian FP32). */
  ModelInferRequest grpcRequest() {
    ByteBuffer raw =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      raw.putFloat(value);
    }
    raw.flip();
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName(inputName)
                .setDatatype("FP32")
                .addShape(1)
                .addShape(values.length))
        .addRawInputContents(ByteString.copyFrom(raw))
        .build();
  }
}
