package dev.pier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.runtime.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
                Duration.ofSeconds(10)));
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
