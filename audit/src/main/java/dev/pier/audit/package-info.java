/**
 * Audit record model, sinks (Elasticsearch, PostgreSQL), the lossless dispatcher, hash chain,
 * redaction and query. A plain library with no Spring; arrives with the audit capability.
 */
package dev.pier.audit;
