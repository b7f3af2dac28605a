/**
 * The console's audit trail, for auditors: search with filters, a lazily paged grid, a record's
 * detail, chain verification and export — all through the control plane's {@code AuditService}.
 */
package dev.pier.console.audit;
