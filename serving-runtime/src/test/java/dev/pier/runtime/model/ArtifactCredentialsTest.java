package dev.pier.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The registration token goes with artifact downloads from the control plane, and nowhere else. */
class ArtifactCredentialsTest {
  private final ArtifactCredentials credentials =
      ArtifactCredentials.forControlPlane("http://pier.example.com:8080", "registration-token");

  @Test
  void downloadsFromTheControlPlaneCarryTheToken() {
    assertThat(
            credentials.authorizationFor(
                URI.create("http://PIER.example.com:8080/api/v1/models/iris/versions/1/artifact")))
        .contains("Bearer registration-token");
  }

  @Test
  void noOtherOriginSeesIt() {
    assertThat(credentials.authorizationFor(URI.create("http://pier.example.com:8081/model.onnx")))
        .as("another port")
        .isEmpty();
    assertThat(credentials.authorizationFor(URI.create("https://pier.example.com:8080/model.onnx")))
        .as("another scheme")
        .isEmpty();
    assertThat(credentials.authorizationFor(URI.create("http://models.example.com:8080/a.onnx")))
        .as("another host")
        .isEmpty();
    assertThat(
            credentials.authorizationFor(
                URI.create("http://pier.example.com.evil.example:8080/a.onnx")))
        .as("a host that only starts like it")
        .isEmpty();
  }

  @Test
  void theDefaultPortCountsAsTheSameOrigin() {
    ArtifactCredentials https =
        ArtifactCredentials.forControlPlane("https://pier.example.com", "t");
    assertThat(https.authorizationFor(URI.create("https://pier.example.com:443/a.onnx")))
        .contains("Bearer t");
  }

  @Test
  void aStandaloneRuntimeSendsNothing() {
    assertThat(ArtifactCredentials.forControlPlane("", "token").authorizationFor(uri())).isEmpty();
    assertThat(
            ArtifactCredentials.forControlPlane("http://pier.example.com:8080", "")
                .authorizationFor(uri()))
        .isEmpty();
    assertThat(ArtifactCredentials.NONE.authorizationFor(uri())).isEmpty();
    assertThat(credentials.toString()).doesNotContain("registration-token");
  }

  private static URI uri() {
    return URI.create("http://pier.example.com:8080/api/v1/models/iris/versions/1/artifact");
  }
}
