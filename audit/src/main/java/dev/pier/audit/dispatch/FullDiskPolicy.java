package dev.pier.audit.dispatch;

/**
 * What happens to inference records when the journal's disk budget is full and the sink is away.
 */
public enum FullDiskPolicy {
  /**
   * Nothing is dropped: the writer waits for room, the queue fills up, and {@code submit} refuses
   * records with {@link AuditRejectedException} after its bounded wait, so the caller can refuse
   * the request instead of serving it unaudited.
   */
  BLOCK,
  /**
   * Inference records that do not fit are dropped, counted ({@link AuditMetrics#shed()}) and
   * reported ({@link AuditAlerts#recordsShed}); serving goes on. Admin events are never shed.
   */
  SHED
}
