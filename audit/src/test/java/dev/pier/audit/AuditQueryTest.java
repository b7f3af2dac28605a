package dev.pier.audit;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AuditQueryTest {
  @Test
  void allMatchesEverythingNewestFirst() {
    AuditQuery all = AuditQuery.all();

    assertThat(all.order()).isEqualTo(AuditQuery.Order.NEWEST_FIRST);
    assertThat(all.pageSize()).isEqualTo(AuditQuery.DEFAULT_PAGE_SIZE);
    assertThat(all.endpoint()).isNull();
    assertThat(all.businessKeyTerm()).isNull();
    assertThat(all.withBusinessKey("customer", "42").businessKeyTerm()).isEqualTo("customer=42");
  }

  @Test
  void inconsistentQueriesAreRefused() {
    AuditQuery all = AuditQuery.all();

    assertThatThrownBy(() -> all.withPageSize(0)).hasMessageContaining("page size");
    assertThatThrownBy(() -> all.withPageSize(AuditQuery.MAX_PAGE_SIZE + 1))
        .hasMessageContaining("page size");
    assertThatThrownBy(() -> all.withTimeRange(T0.plusSeconds(1), T0))
        .hasMessageContaining("ends before");
    assertThatThrownBy(() -> all.withBusinessKey("customer", null))
        .hasMessageContaining("business key");
  }
}
