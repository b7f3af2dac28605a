/**
 * The control plane's side of the audit trail: {@link dev.pier.controlplane.audit.AdminEvents}
 * records every administrative action (who, what, which target, before and after, from where) in
 * the transaction of the change, so the record and the change exist together or not at all.
 * Features call it; they never write audit rows themselves.
 */
package dev.pier.controlplane.audit;
