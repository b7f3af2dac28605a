package dev.pier.audit.dispatch;

/**
 * The dispatcher's counters (monotonic, since start) and gauges (current values), cheap to read
 * from any thread; the control plane binds them to Micrometer.
 */
public interface AuditMetrics {
  /** Records accepted by {@code submit}. */
  long submitted();

  /** Records waiting in the queue now. */
  int queued();

  /** Records written to the journal because the sink failed or was slow. */
  long journaled();

  /** Records in the journal not delivered yet. */
  long journalPending();

  /** Bytes the journal takes on disk now. */
  long journalBytes();

  /** Records the sink has stored (a record replayed after a timeout may count twice). */
  long delivered();

  /** Records the sink refused for good; they are kept in the journal directory's rejected.jsonl. */
  long failed();

  /** Sink writes that failed or took longer than the sink timeout. */
  long writeFailures();

  /** Inference records dropped under {@link FullDiskPolicy#SHED}. */
  long shed();

  /** Records {@code submit} refused with {@link AuditRejectedException}. */
  long refused();
}
