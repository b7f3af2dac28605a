package dev.pier.audit.dispatch;

import dev.pier.audit.AuditSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Alerts a test can read back. */
final class RecordingAlerts implements AuditAlerts {
  final AtomicInteger outages = new AtomicInteger();
  final AtomicInteger recoveries = new AtomicInteger();
  final AtomicLong shedReported = new AtomicLong();
  final AtomicLong lastShedTotal = new AtomicLong();
  final List<AuditSink.Rejected> rejected = new CopyOnWriteArrayList<>();

  @Override
  public void sinkUnavailable(Throwable cause) {
    outages.incrementAndGet();
  }

  @Override
  public void sinkRecovered() {
    recoveries.incrementAndGet();
  }

  @Override
  public void recordsShed(int count, long total, String reason) {
    shedReported.addAndGet(count);
    lastShedTotal.accumulateAndGet(total, Math::max);
  }

  @Override
  public void recordsRejected(List<AuditSink.Rejected> records) {
    rejected.addAll(records);
  }
}
