package dev.pier.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
  private static final ModelConfig.Defaults DEFAULTS = ModelConfig.Defaults.STANDARD;

  private static ModelConfig parse(String json) throws ModelConfig.ConfigException {
    return ModelConfig.parse(json.getBytes(StandardCharsets.UTF_8), DEFAULTS);
  }

  @Test
  void anEmptyConfigIsTheDefaults() throws Exception {
    assertThat(parse("{}"))
        .isEqualTo(ModelConfig.defaults(DEFAULTS))
        .isEqualTo(
            new ModelConfig(
                Optional.empty(),
                1024,
                1,
                1,
                1,
                ModelConfig.OptimizationLevel.ALL,
                ModelConfig.ExecutionProvider.CPU,
                0,
                Optional.empty(),
                List.of(),
                new ModelConfig.AllVersions()));
  }

  @Test
  void everyKeyIsRead() throws Exception {
    ModelConfig config =
        parse(
            """
            {"dynamic_batching": {"max_batch_size": 16, "max_queue_delay_microseconds": 250},
             "max_queue_size": 8, "instances": 2, "intra_op_threads": 3, "inter_op_threads": 2,
             "optimization_level": "basic", "execution_provider": "cpu", "cuda_device": 1,
             "memory_bytes": 5000000000, "labels": ["a", "b"], "version_policy": [1, 3]}
            """);
    assertThat(config.batching()).contains(new ModelConfig.Batching(16, Duration.ofNanos(250_000)));
    assertThat(config.maxQueueSize()).isEqualTo(8);
    assertThat(config.instances()).isEqualTo(2);
    assertThat(config.intraOpThreads()).isEqualTo(3);
    assertThat(config.optimizationLevel()).isEqualTo(ModelConfig.OptimizationLevel.BASIC);
    assertThat(config.memoryBytes()).contains(5_000_000_000L);
    assertThat(config.labels()).containsExactly("a", "b");
    assertThat(config.versionPolicy().select(List.of(1L, 2L, 3L))).containsExactly(1L, 3L);
  }

  @Test
  void versionPolicies() throws Exception {
    assertThat(parse("{\"version_policy\": \"latest\"}").versionPolicy().select(List.of(1L, 4L)))
        .containsExactly(4L);
    assertThat(parse("{\"version_policy\": \"all\"}").versionPolicy().select(List.of(1L, 4L)))
        .containsExactly(1L, 4L);
  }

  @Test
  void mistakesNameTheKey() {
    assertThatThrownBy(() -> parse("{\"max_batch\": 4}"))
        .hasMessageContaining("unknown key 'max_batch'");
    assertThatThrownBy(() -> parse("{\"dynamic_batching\": {\"delay\": 4}}"))
        .hasMessageContaining("unknown key 'dynamic_batching.delay'");
    assertThatThrownBy(() -> parse("{\"instances\": 0}"))
        .hasMessageContaining("'instances' must be at least 1");
    assertThatThrownBy(() -> parse("{\"optimization_level\": \"max\"}"))
        .hasMessageContaining("'optimization_level' must be one of [none, basic, extended, all]");
    assertThatThrownBy(() -> parse("{\"labels\": [1]}"))
        .hasMessageContaining("'labels' must be an array of strings");
    assertThatThrownBy(() -> parse("{\"version_policy\": [0]}"))
        .hasMessageContaining("positive integer versions");
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> parse("{")).hasMessageContaining("not valid JSON");
  }
}
