/**
 * Lossless delivery: {@link dev.pier.audit.dispatch.AuditDispatcher} takes records off the request
 * path through a bounded queue, seals them on one writer thread (stream sequence and hash chain, in
 * submission order) and writes them to an {@link dev.pier.audit.AuditSink} in batches; when the
 * sink fails or is slow, batches go to an on-disk journal (CRC-framed segments, forced per batch)
 * and are replayed in order once the sink answers again, also after a crash. Counters are read
 * through {@link dev.pier.audit.dispatch.AuditMetrics}; {@link dev.pier.audit.dispatch.AuditAlerts}
 * hears of outages and of every record shed or refused by the sink.
 */
package dev.pier.audit.dispatch;
