package dev.pier.audit;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.audit.testing.TestRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditRecordTest {
  @Test
  void anAdminEventRecordsWhoChangedWhatBeforeAndAfter() {
    AuditRecord event =
        AuditRecord.admin(
                T0,
                "alice",
                "endpoint.update",
                "endpoint/iris",
                "{\"v\":1}",
                "{\"v\":2}",
                "10.0.0.1",
                Outcome.SUCCESS)
            .withEndpoint("iris");

    assertThat(event.kind()).isEqualTo(AuditKind.ADMIN);
    assertThat(event.actor()).isEqualTo("alice");
    assertThat(event.before()).isEqualTo("{\"v\":1}");
    assertThat(event.after()).isEqualTo("{\"v\":2}");
    assertThat(event.endpoint()).isEqualTo("iris");
    assertThat(event.isSealed()).isFalse();
    assertThat(event.stream()).isNull();
    assertThat(event.sequence()).isZero();
    assertThat(event.instanceCount()).isEqualTo(1);
  }

  @Test
  void anInferenceRecordCarriesRoutingPayloadAndOutcome() {
    AuditRecord record = TestRecords.everything(T0);

    assertThat(record.kind()).isEqualTo(AuditKind.INFERENCE);
    assertThat(record.action()).isEqualTo(AuditRecord.INFER);
    assertThat(record.target()).isEqualTo("fraud-graph");
    assertThat(record.version()).isEqualTo("7");
    assertThat(record.flags()).isEqualTo(new TrafficFlags(true, false, true));
    assertThat(record.latency()).isEqualTo(Duration.ofNanos(987_654_321));
    assertThat(record.instanceIndex()).isEqualTo(2);
    assertThat(record.businessKeys())
        .containsExactly(Map.entry("customer_id", "C-42"), Map.entry("order", "a=b"));
  }

  @Test
  void timeIsKeptToTheMicrosecond() {
    AuditRecord record =
        TestRecords.inference(Instant.parse("2026-11-20T10:15:30.123456789Z"), "r", "iris");

    assertThat(record.time()).isEqualTo(Instant.parse("2026-11-20T10:15:30.123456Z"));
  }

  @Test
  void idsAreUniqueTimeOrderedUuids() {
    Set<String> ids = new HashSet<>();
    for (int index = 0; index < 10_000; index++) {
      ids.add(AuditRecord.newId(T0));
    }
    String early = AuditRecord.newId(T0);
    String later = AuditRecord.newId(T0.plusMillis(1));

    assertThat(ids).hasSize(10_000);
    assertThat(UUID.fromString(early).version()).isEqualTo(7);
    assertThat(later).isGreaterThan(early);
  }

  @Test
  void invalidRecordsAreRefused() {
    AuditRecord record = TestRecords.inference(T0, "r", "iris");

    assertThatThrownBy(() -> record.withInstance(2, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> record.withBusinessKeys(Map.of("a=b", "c")))
        .hasMessageContaining("'='");
    assertThatThrownBy(() -> record.withId(" ")).hasMessageContaining("id");
    assertThatThrownBy(() -> record.withSeal("s", 0, "x", "y", null))
        .hasMessageContaining("starts at 1");
    assertThatThrownBy(
            () ->
                AuditRecord.inference(
                    T0, "r", "e", "c", Outcome.SUCCESS, 200, Duration.ofNanos(-1)))
        .hasMessageContaining("latency");
  }
}
