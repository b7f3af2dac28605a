package dev.pier.audit.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch._types.FieldValue;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElasticsearchCursorTest {
  @Test
  void aCursorCarriesItsPointInTimeAndSortValues() {
    ElasticsearchCursor cursor =
        new ElasticsearchCursor(
            "46ToAwMDaWR5BXV1aWQy+/=",
            List.of(
                FieldValue.of(1_763_633_730_123_456_000L),
                FieldValue.of("0197-ab"),
                FieldValue.of(42L)));

    ElasticsearchCursor decoded = ElasticsearchCursor.decode(cursor.encode());

    assertThat(cursor.encode()).startsWith("es1.").matches("[A-Za-z0-9._-]+");
    assertThat(decoded.pointInTime()).isEqualTo(cursor.pointInTime());
    assertThat(decoded.after())
        .extracting(FieldValue::_kind)
        .containsExactly(FieldValue.Kind.Long, FieldValue.Kind.String, FieldValue.Kind.Long);
    assertThat(decoded.after().get(0).longValue()).isEqualTo(1_763_633_730_123_456_000L);
    assertThat(decoded.after().get(1).stringValue()).isEqualTo("0197-ab");
  }

  @Test
  void aForeignCursorIsRefused() {
    assertThatThrownBy(() -> ElasticsearchCursor.decode("pg1.abc"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ElasticsearchCursor.decode("es1.!!!"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void periodsNameAndParseTheirIndices() {
    Instant time = Instant.parse("2026-12-02T23:59:59Z");

    assertThat(IndexPeriod.DAY.suffix(time)).isEqualTo("2026.12.02");
    assertThat(IndexPeriod.MONTH.suffix(time)).isEqualTo("2026.12");
    assertThat(IndexPeriod.DAY.parse("2026.12.02")).contains(LocalDate.of(2026, 12, 2));
    assertThat(IndexPeriod.MONTH.parse("2026.12")).contains(LocalDate.of(2026, 12, 1));
    assertThat(IndexPeriod.DAY.parse("2026.12")).isEmpty();
    assertThat(IndexPeriod.MONTH.parse("archive")).isEmpty();
    assertThat(IndexPeriod.MONTH.minus(LocalDate.of(2026, 1, 1), 2))
        .isEqualTo(LocalDate.of(2025, 11, 1));
  }

  @Test
  void settingsAreCheckedAndDefaultsPinned() {
    assertThat(ElasticsearchSinkSettings.defaults())
        .isEqualTo(
            new ElasticsearchSinkSettings(
                "pier-audit", IndexPeriod.DAY, 1, 1, java.time.Duration.ofMinutes(5)));
    assertThatThrownBy(() -> ElasticsearchSinkSettings.defaults().withIndexPrefix("Pier Audit"))
        .hasMessageContaining("index prefix");
    assertThatThrownBy(() -> ElasticsearchSinkSettings.defaults().withReplicas(-1))
        .hasMessageContaining("replicas");
  }
}
