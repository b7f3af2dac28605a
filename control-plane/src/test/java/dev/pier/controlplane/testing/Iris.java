package dev.pier.controlplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.runtime.grpc.proto.InferTensorContents;
import dev.pier.runtime.grpc.proto.ModelInferRequest;

/**
 * The examples' iris model as the gateway tests serve it: registered as model {@code iris}, behind
 * endpoints, and asked about one setosa flower (label 1).
 */
public final class Iris {
  /** One setosa flower, as an OIP REST inference request. */
  public static final String SETOSA =
      """
      {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 4],
                   "data": [5.1, 3.5, 1.4, 0.2]}]}
      """;

  private static final float[] SETOSA_FEATURES = {5.1f, 3.5f, 1.4f, 0.2f};

  private Iris() {}

  /** Registers model {@code iris} with the example as version 1, and endpoints serving it. */
  public static void register(ApiClient admin, String... endpoints) {
    ApiClient.Response model = admin.postJson("/api/v1/models", "{\"name\": \"iris\"}");
    assertThat(model.status()).as(model.toString()).isEqualTo(201);
    ApiClient.Response uploaded =
        admin.upload(
            "/api/v1/models/iris/versions", ExampleModels.bytes(ExampleModels.iris()), null);
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
    for (String endpoint : endpoints) {
      ApiClient.Response created =
          admin.postJson(
              "/api/v1/endpoints",
              "{\"name\": \"" + endpoint + "\", \"model\": \"iris\", \"version\": 1}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }
  }

  /** One setosa flower, as an OIP gRPC request to {@code endpoint} ({@code version} "": any). */
  public static ModelInferRequest setosa(String endpoint, String version) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float feature : SETOSA_FEATURES) {
      contents.addFp32Contents(feature);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(endpoint)
        .setModelVersion(version)
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("features")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(SETOSA_FEATURES.length)
                .setContents(contents))
        .build();
  }
}
