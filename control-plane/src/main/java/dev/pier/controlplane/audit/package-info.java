/**
 * The control plane's side of the audit trail: {@link dev.pier.controlplane.audit.AdminEvents}
 * records every administrative action (who, what, which target, before and after, from where) in
 * the transaction of the change, so the record and the change exist together or not at all.
 * Features call it; they never write audit rows themselves. {@link
 * dev.pier.controlplane.audit.InferenceAudit} takes the gateway's inferences through a crash-safe
 * intake log into records, and {@link dev.pier.controlplane.audit.AuditTrail} owns the sink and the
 * dispatcher.
 */
package dev.pier.controlplane.audit;
