package dev.pier.controlplane.runtimes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.controlplane.PierProperties;
import dev.pier.testing.tls.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The credentials the control plane uses with runtimes, and how runtimes are recognised. */
class RuntimeAccessTest {
  @TempDir Path home;

  @Test
  void anUnsetAuthTokenIsGeneratedOnceAndKeptOwnerOnly() throws Exception {
    RuntimeAccess first = new RuntimeAccess(properties(Map.of()));
    Path file = home.resolve(RuntimeAccess.TOKEN_FILE);

    assertThat(first.authToken()).matches("[A-Za-z0-9_-]{43}");
    assertThat(first.authorization()).isEqualTo("Bearer " + first.authToken());
    assertThat(Files.readString(file).strip()).isEqualTo(first.authToken());
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(new RuntimeAccess(properties(Map.of())).authToken())
        .as("the next start reuses it")
        .isEqualTo(first.authToken());
    assertThat(first.toString()).doesNotContain(first.authToken());
  }

  @Test
  void aConfiguredAuthTokenWinsAndNothingIsWritten() {
    RuntimeAccess access =
        new RuntimeAccess(properties(Map.of("pier.runtimes.auth-token", "configured")));

    assertThat(access.authToken()).isEqualTo("configured");
    assertThat(home.resolve(RuntimeAccess.TOKEN_FILE)).doesNotExist();
    assertThat(access.clientKeyManagers()).isNull();
    assertThat(access.trustManagers()).isNull();
  }

  @Test
  void tlsFilesAreReadAtStartAndABadOneNamesItsKey() {
    TestCertificates authority = TestCertificates.authority(home, "access");
    TestCertificates.Issued gateway = authority.issue("gateway", "EC");
    RuntimeAccess access =
        new RuntimeAccess(
            properties(
                Map.of(
                    "pier.runtimes.tls.trust-certificates", authority.certificate().toString(),
                    "pier.runtimes.tls.client-certificate", gateway.certificate().toString(),
                    "pier.runtimes.tls.client-private-key", gateway.privateKey().toString())));
    assertThat(access.trustManagers()).isNotEmpty();
    assertThat(access.clientKeyManagers()).isNotEmpty();

    Path missing = home.resolve("missing.pem");
    assertThatThrownBy(
            () ->
                new RuntimeAccess(
                    properties(Map.of("pier.runtimes.tls.trust-certificates", missing.toString()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("pier.runtimes.tls.trust-certificates: " + missing);
    assertThatThrownBy(
            () ->
                new RuntimeAccess(
                    properties(
                        Map.of(
                            "pier.runtimes.tls.client-certificate",
                            gateway.certificate().toString(),
                            "pier.runtimes.tls.client-private-key",
                            authority.certificate().toString()))))
        .hasMessageStartingWith("pier.runtimes.tls.client-private-key: ");
  }

  @Test
  void runtimesAreRecognisedByTheRegistrationTokenOnly() {
    RuntimeCredentials credentials =
        new RuntimeCredentials(
            new RegistrationToken(
                properties(Map.of("pier.runtimes.registration-token", "registration-secret"))));

    assertThat(credentials.isRuntime("Bearer registration-secret")).isTrue();
    assertThat(credentials.isRuntime("bearer registration-secret")).isTrue();
    assertThat(credentials.isRuntime(null)).isFalse();
    assertThat(credentials.isRuntime("")).isFalse();
    assertThat(credentials.isRuntime("Bearer ")).isFalse();
    assertThat(credentials.isRuntime("Bearer registration-secre")).isFalse();
    assertThat(credentials.isRuntime("Bearer registration-secrets")).isFalse();
    assertThat(credentials.isRuntime("Basic registration-secret")).isFalse();
    assertThat(credentials.isRuntime("registration-secret")).isFalse();
  }

  private PierProperties properties(Map<String, String> settings) {
    Map<String, String> all = new java.util.HashMap<>(settings);
    all.put("pier.home", home.toString());
    return new Binder(new MapConfigurationPropertySource(all))
        .bindOrCreate("pier", PierProperties.class);
  }
}
