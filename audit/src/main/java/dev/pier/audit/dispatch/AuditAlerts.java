package dev.pier.audit.dispatch;

import dev.pier.audit.AuditSink;
import java.util.List;

/**
 * What the dispatcher tells operators about. Called on the dispatcher's writer thread (or, for
 * records shed by {@code submit}, on the submitting thread): implementations must be quick and must
 * not block; exceptions are logged and ignored.
 */
public interface AuditAlerts {
  /** Nothing is reported. */
  AuditAlerts NONE = new AuditAlerts() {};

  /** The sink failed or was too slow; records are journaled until it answers. Once per outage. */
  default void sinkUnavailable(Throwable cause) {}

  /** The sink answers again and the journal has been replayed. */
  default void sinkRecovered() {}

  /**
   * Records were dropped under {@link FullDiskPolicy#SHED}.
   *
   * @param total all records shed since start
   */
  default void recordsShed(int count, long total, String reason) {}

  /** The sink refused records for good; they were set aside in rejected.jsonl. */
  default void recordsRejected(List<AuditSink.Rejected> rejected) {}
}
