package dev.pier.controlplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** The setup many integration tests share: model {@code iris}, its version 1, an endpoint on it. */
public final class IrisEndpoint {
  private IrisEndpoint() {}

  /** Registers {@code iris} v1 and creates {@code endpoint} on it (placed by the scheduler). */
  public static void create(ApiClient api, String endpoint) {
    ApiClient.Response model = api.postJson("/api/v1/models", "{\"name\": \"iris\"}");
    assertThat(model.status()).as(model.toString()).isEqualTo(201);
    ApiClient.Response uploaded =
        api.upload("/api/v1/models/iris/versions", ExampleModels.bytes(ExampleModels.iris()), null);
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
    ApiClient.Response created =
        api.postJson(
            "/api/v1/endpoints",
            "{\"name\": \"" + endpoint + "\", \"model\": \"iris\", \"version\": 1}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }
}
