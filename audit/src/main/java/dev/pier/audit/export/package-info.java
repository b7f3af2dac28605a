/**
 * Exports: {@link dev.pier.audit.export.AuditExport} streams the full result of an audit query to
 * CSV (RFC 4180) or JSON Lines, page by page through the sink's stable pagination, reporting
 * progress as it goes. It holds one page in memory, whatever the size of the result.
 */
package dev.pier.audit.export;
