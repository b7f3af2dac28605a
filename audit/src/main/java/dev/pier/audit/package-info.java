/**
 * The audit trail's vocabulary, shared by every part of the module and by its users: the one record
 * model for admin events and inference records ({@link dev.pier.audit.AuditRecord}), the query
 * ({@link dev.pier.audit.AuditQuery}, {@link dev.pier.audit.AuditPage}), the sink SPI ({@link
 * dev.pier.audit.AuditSink}) that the Elasticsearch and PostgreSQL sinks implement with the same
 * semantics, and the record's one JSON form and free-text words. Feature packages: {@code capture}
 * (sampling, redaction, batch splitting), {@code chain} (hash chain and verification), {@code
 * dispatch} (lossless delivery), {@code postgres} and {@code elasticsearch} (sinks), {@code
 * export}. A plain library: no Spring, no metrics library; the control plane wires it.
 */
package dev.pier.audit;
