package dev.pier.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerGatewayRequestsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v2/models/iris/infer",
        "/v2/models/iris",
        "/v2/models/iris/ready",
        "/v2/models/iris/versions/12/infer",
        "/v2/models/fraud-score_v2.1~x/infer"
      })
  void plainModelPathsAreTakenStraight(String path) {
    assertThat(BearerGatewayRequests.isPlainModelPath(path, 0)).isTrue();
    assertThat(BearerGatewayRequests.isPlainModelPath("/pier" + path, "/pier".length())).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v2/models/",
        "/v2/models/iris/",
        "/v2/models//infer",
        "/v2/models/ir%69s/infer",
        "/v2/models/iris;jsessionid=1/infer",
        "/v2/models/../../api/v1/users",
        "/v2/models/./infer",
        "/v2/models/.hidden/infer",
        "/v2/models/iris/infer?x=1",
        "/v2/models/iri s/infer",
        "/v2/health/live",
        "/v2",
        "/api/v1/models"
      })
  void anythingElseGoesThroughTheFilterChain(String path) {
    assertThat(BearerGatewayRequests.isPlainModelPath(path, 0)).isFalse();
  }
}
