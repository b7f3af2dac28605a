package dev.pier.audit;

import dev.pier.audit.testing.InMemoryAuditSink;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract against the in-memory fake, so the dispatcher's unit tests stand on a sink that
 * behaves.
 */
class InMemoryAuditSinkTest extends AuditSinkContract {
  private InMemoryAuditSink sink;

  @BeforeEach
  void emptySink() {
    sink = new InMemoryAuditSink();
  }

  @Override
  protected AuditSink sink() {
    return sink;
  }

  @Override
  protected void alterStored(AuditRecord altered) {
    sink.tamper(altered.id(), altered);
  }

  @Override
  protected void deleteStored(AuditRecord record) {
    sink.tamper(record.id(), null);
  }
}
