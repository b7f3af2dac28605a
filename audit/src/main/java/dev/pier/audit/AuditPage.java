package dev.pier.audit;

import java.util.List;
import java.util.Optional;

/**
 * One page of a query's results, in the query's order.
 *
 * @param nextCursor where the next page starts (pass it to {@link AuditQuery#withCursor}); empty on
 *     the last page
 */
public record AuditPage(List<AuditRecord> records, Optional<String> nextCursor) {
  public AuditPage {
    records = List.copyOf(records);
  }

  public static AuditPage last(List<AuditRecord> records) {
    return new AuditPage(records, Optional.empty());
  }
}
