package dev.pier.audit.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.audit.AuditKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DispatcherSettingsTest {
  private static final Path JOURNAL = Path.of("/var/lib/pier/audit");

  @Test
  void defaultsArePinned() {
    DispatcherSettings defaults = DispatcherSettings.defaults("gateway-1", JOURNAL);

    assertThat(defaults)
        .isEqualTo(
            new DispatcherSettings(
                "gateway-1",
                JOURNAL,
                10_000,
                500,
                Duration.ofMillis(10),
                Duration.ofSeconds(10),
                Duration.ofMillis(250),
                Duration.ofSeconds(30),
                1L << 30,
                64L << 20,
                FullDiskPolicy.BLOCK,
                Duration.ofMillis(100),
                Duration.ofSeconds(30),
                Optional.empty()));
    assertThat(defaults.stream(AuditKind.ADMIN)).isEqualTo("gateway-1.admin");
    assertThat(defaults.stream(AuditKind.INFERENCE)).isEqualTo("gateway-1.inference");
  }

  @Test
  void badSettingsNameTheSetting() {
    DispatcherSettings defaults = DispatcherSettings.defaults("gateway-1", JOURNAL);

    assertThatThrownBy(() -> DispatcherSettings.defaults("has space", JOURNAL))
        .hasMessageStartingWith("node");
    assertThatThrownBy(() -> defaults.withQueueCapacity(0)).hasMessageStartingWith("queueCapacity");
    assertThatThrownBy(() -> defaults.withBatchSize(-1)).hasMessageStartingWith("batchSize");
    assertThatThrownBy(() -> defaults.withSinkTimeout(Duration.ZERO))
        .hasMessageStartingWith("sinkTimeout");
    assertThatThrownBy(() -> defaults.withRetry(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageStartingWith("retryMax");
    assertThatThrownBy(() -> defaults.withJournalLimits(1024, 2048))
        .hasMessageStartingWith("journalSegmentBytes");
    assertThatThrownBy(() -> defaults.withSubmitTimeout(Duration.ofMillis(-1)))
        .hasMessageStartingWith("submitTimeout");
  }
}
