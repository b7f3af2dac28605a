/**
 * The PostgreSQL sink, the embedded default: {@link dev.pier.audit.postgres.PostgresAuditSink}
 * writes sealed records to the {@code audit_record} table (created by db-migrations' {@code
 * V7__audit.sql}) with plain JDBC over a {@link javax.sql.DataSource} the caller owns, and answers
 * queries with keyset pagination on {@code (recorded_at, id)}.
 */
package dev.pier.audit.postgres;
