/**
 * The console's audit trail, for auditors: search with filters (a UTC time range to the second), a
 * lazily paged grid, a record's detail, chain verification and exports that run in the background
 * with their progress — all through the control plane's {@code AuditService}. {@code ExportJobs}
 * owns the export files and their bounds; the views never touch the sink.
 */
package dev.pier.console.audit;
