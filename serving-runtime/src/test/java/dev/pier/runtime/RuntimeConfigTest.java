package dev.pier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.runtime.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeConfigTest {

  @Test
  void defaultsArePinned() throws Exception {
    RuntimeConfig config = RuntimeConfig.resolve(new String[0], Map.of());
    assertThat(config)
        .isEqualTo(
            new RuntimeConfig(
                Path.of("models"),
                "0.0.0.0",
                8000,
                8001,
                8002,
                Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                64L << 20,
                0,
                4L << 30,
                1,
                1,
                ModelConfig.ExecutionProvider.CPU,
                1024,
                4,
                Duration.ofSeconds(10),
                "",
                "",
                "127.0.0.1",
                "",
                List.of("onnx", "cpu"),
                Duration.ofSeconds(5),
                "",
                null,
                null,
                null,
                null));
    assertThat(config.tls()).isFalse();
    assertThat(config.registers()).isFalse();
  }

  @Test
  void registrationSettings() throws Exception {
    RuntimeConfig config =
        RuntimeConfig.resolve(
            new String[] {
              "--control-plane-url", "http://pier:8080/",
              "--control-plane-token", "secret",
              "--host", "10.0.0.5",
              "--server-name", "gpu-7",
              "--capabilities", "onnx, GPU,onnx",
              "--heartbeat-interval", "250ms"
            },
            Map.of());
    assertThat(config.registers()).isTrue();
    assertThat(config.controlPlaneUrl()).isEqualTo("http://pier:8080");
    assertThat(config.controlPlaneToken()).isEqualTo("secret");
    assertThat(config.advertiseHost()).isEqualTo("10.0.0.5");
    assertThat(config.serverName()).isEqualTo("gpu-7");
    assertThat(config.capabilities()).containsExactly("onnx", "gpu");
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(
            RuntimeConfig.resolve(
                    new String[] {"--host", "0.0.0.0", "--advertise-host", "runtime-3.internal"},
                    Map.of())
                .advertiseHost())
        .isEqualTo("runtime-3.internal");
    assertThatThrownBy(
            () ->
                RuntimeConfig.resolve(new String[] {"--control-plane-url", "pier:8080"}, Map.of()))
        .hasMessageContaining("control-plane-url must be an http(s) URL");
    assertThatThrownBy(
            () -> RuntimeConfig.resolve(new String[] {"--heartbeat-interval", "0s"}, Map.of()))
        .hasMessageContaining("heartbeat-interval must be longer than 0");
    assertThatThrownBy(
            () -> RuntimeConfig.resolve(new String[] {"--capabilities", "on nx"}, Map.of()))
        .hasMessageContaining("capabilities must be");
  }

  @Test
  void securitySettings(@TempDir Path directory) throws Exception {
    RuntimeConfig config =
        RuntimeConfig.resolve(
            new String[] {
              "--tls-certificate", "/etc/pier/runtime.pem",
              "--tls-private-key", "/etc/pier/runtime-key.pem",
              "--tls-client-ca", "/etc/pier/gateway-ca.pem",
              "--control-plane-ca", "/etc/pier/control-plane-ca.pem",
              "--control-plane-token", "registration-secret"
            },
            Map.of("PIER_AUTH_TOKEN", "Zm9v_bar-baz.~+/=="));
    assertThat(config.authToken()).isEqualTo("Zm9v_bar-baz.~+/==");
    assertThat(config.tls()).isTrue();
    assertThat(config.tlsCertificate()).isEqualTo(Path.of("/etc/pier/runtime.pem"));
    assertThat(config.tlsPrivateKey()).isEqualTo(Path.of("/etc/pier/runtime-key.pem"));
    assertThat(config.tlsClientCa()).isEqualTo(Path.of("/etc/pier/gateway-ca.pem"));
    assertThat(config.controlPlaneCa()).isEqualTo(Path.of("/etc/pier/control-plane-ca.pem"));
    assertThat(config.toString())
        .contains("authToken=set", "controlPlaneToken=set")
        .doesNotContain("Zm9v", "registration-secret");

    assertThatThrownBy(
            () ->
                RuntimeConfig.resolve(
                    new String[] {"--tls-certificate", "/etc/pier/runtime.pem"}, Map.of()))
        .hasMessage(
            "tls-certificate and tls-private-key must be set together, but only tls-certificate"
                + " is set");
    assertThatThrownBy(
            () -> RuntimeConfig.resolve(new String[] {"--tls-private-key", "key.pem"}, Map.of()))
        .hasMessageContaining("but only tls-private-key is set");
    assertThatThrownBy(
            () -> RuntimeConfig.resolve(new String[] {"--tls-client-ca", "ca.pem"}, Map.of()))
        .hasMessageContaining("tls-client-ca needs tls-certificate and tls-private-key");
    assertThatThrownBy(
            () -> RuntimeConfig.resolve(new String[0], Map.of("PIER_AUTH_TOKEN", "has space")))
        .hasMessageStartingWith("auth-token may only hold")
        .hasMessageNotContaining("has space");

    Path missing = directory.resolve("missing.pem");
    RuntimeConfig unreadable =
        RuntimeConfig.resolve(new String[] {"--control-plane-ca", missing.toString()}, Map.of());
    assertThatThrownBy(() -> RuntimeTls.load(unreadable))
        .isInstanceOf(RuntimeConfig.ConfigException.class)
        .hasMessageStartingWith("control-plane-ca: " + missing);
  }

  @Test
  void everyKeyIsDescribedForHelp() {
    assertThat(RuntimeConfig.DESCRIPTIONS.keySet())
        .containsExactlyElementsOf(RuntimeConfig.DEFAULTS.keySet());
    assertThat(RuntimeConfig.DESCRIPTIONS.get("metrics-port")).contains("without authentication");
  }

  @Test
  void commandLineWinsOverEnvironmentWhichWinsOverTheFile(@TempDir Path directory)
      throws Exception {
    Path file = directory.resolve("runtime.properties");
    Files.writeString(file, "http-port=9100\ngrpc-port=9101\nmetrics-port=9102\n");
    RuntimeConfig config =
        RuntimeConfig.resolve(
            new String[] {"--config", file.toString(), "--http-port=9300"},
            Map.of("PIER_HTTP_PORT", "9200", "PIER_GRPC_PORT", "9201"));
    assertThat(config.httpPort()).isEqualTo(9300);
    assertThat(config.grpcPort()).isEqualTo(9201);
    assertThat(config.metricsPort()).isEqualTo(9102);
  }

  @Test
  void sizesAndDurationsTakeUnits() throws Exception {
    RuntimeConfig config =
        RuntimeConfig.resolve(
            new String[] {
              "--memory-budget", "2GB", "--max-request-size", "512KiB", "--shutdown-grace", "1500ms"
            },
            Map.of());
    assertThat(config.memoryBudgetBytes()).isEqualTo(2_000_000_000L);
    assertThat(config.maxRequestBytes()).isEqualTo(512 * 1024);
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void mistakesNameTheKey(@TempDir Path directory) throws IOException {
    assertThatThrownBy(() -> RuntimeConfig.resolve(new String[] {"--http-prot", "1"}, Map.of()))
        .hasMessageContaining("unknown setting --http-prot");
    assertThatThrownBy(() -> RuntimeConfig.resolve(new String[] {"--http-port", "70000"}, Map.of()))
        .hasMessageContaining("http-port must be between 0 and 65535");
    assertThatThrownBy(
            () -> RuntimeConfig.resolve(new String[0], Map.of("PIER_MEMORY_BUDGET", "lots")))
        .hasMessageContaining("memory-budget must be a size");
    assertThatThrownBy(
            () -> RuntimeConfig.resolve(new String[] {"--execution-provider", "tpu"}, Map.of()))
        .hasMessageContaining("execution-provider must be cpu or cuda");
    assertThatThrownBy(() -> RuntimeConfig.resolve(new String[] {"--grpc-threads"}, Map.of()))
        .hasMessageContaining("--grpc-threads needs a value");
    Path file = directory.resolve("bad.properties");
    Files.writeString(file, "http_port=1\n");
    assertThatThrownBy(
            () -> RuntimeConfig.resolve(new String[] {"--config", file.toString()}, Map.of()))
        .hasMessageContaining("unknown setting 'http_port'");
  }
}
