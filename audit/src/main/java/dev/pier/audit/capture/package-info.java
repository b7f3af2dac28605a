/**
 * What gets recorded about an inference: {@link dev.pier.audit.capture.AuditPolicy} per endpoint
 * (sampling that is deterministic by request id, payload capture on or off, redacted fields,
 * business-key fields), {@link dev.pier.audit.capture.Redaction} that masks named fields, and
 * {@link dev.pier.audit.capture.InferenceRecords}, which turns one Open Inference Protocol request
 * and response into one record per batch instance. It runs on the caller's thread, before a record
 * is submitted, and never sees a sink; admin events pass through unchanged.
 */
package dev.pier.audit.capture;
