package dev.pier.audit.capture;

import dev.pier.audit.AuditKind;
import dev.pier.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an endpoint's inferences leave in the audit trail.
 *
 * <p>Sampling keeps {@code samplePercent} % of requests (to 0.01 %), decided by a hash of the
 * request id, so the same request is kept or dropped the same way by every gateway replica and on
 * every retry, and every instance of a batched request shares the decision. Admin events are never
 * sampled, redacted or trimmed: policies apply to inference records only.
 *
 * @param samplePercent 0 to 100; 100 (the default) records every request
 * @param capturePayload whether inputs and outputs are stored (errors and business keys always are)
 * @param redactedFields input and output fields masked as {@value Redaction#MASK}, e.g. {@code ssn}
 * @param businessKeyFields inputs whose value is kept as a searchable business key; a field cannot
 *     be both a business key and redacted
 */
public record AuditPolicy(
    double samplePercent,
    boolean capturePayload,
    Set<String> redactedFields,
    Set<String> businessKeyFields) {

  /** Every request, with its payload, nothing redacted. */
  public static final AuditPolicy DEFAULT = new AuditPolicy(100, true, Set.of(), Set.of());

  private static final int BUCKETS = 10_000;

  public AuditPolicy {
    if (!(samplePercent >= 0 && samplePercent <= 100)) {
      throw new IllegalArgumentException(
          "sample percent must be between 0 and 100: " + samplePercent);
    }
    redactedFields = Set.copyOf(redactedFields);
    businessKeyFields = Set.copyOf(businessKeyFields);
    Set<String> both = new HashSet<>(redactedFields);
    both.retainAll(businessKeyFields);
    if (!both.isEmpty()) {
      throw new IllegalArgumentException(
          "fields cannot be both redacted and business keys: " + both);
    }
  }

  public AuditPolicy withSamplePercent(double percent) {
    return new AuditPolicy(percent, capturePayload, redactedFields, businessKeyFields);
  }

  public AuditPolicy withPayloadCapture(boolean capture) {
    return new AuditPolicy(samplePercent, capture, redactedFields, businessKeyFields);
  }

  public AuditPolicy withRedactedFields(Set<String> fields) {
    return new AuditPolicy(samplePercent, capturePayload, fields, businessKeyFields);
  }

  public AuditPolicy withBusinessKeyFields(Set<String> fields) {
    return new AuditPolicy(samplePercent, capturePayload, redactedFields, fields);
  }

  /** Whether a request with this id is recorded; the same answer every time. */
  public boolean sampled(String requestId) {
    int kept = (int) Math.round(samplePercent * (BUCKETS / 100.0));
    if (kept >= BUCKETS) {
      return true;
    }
    if (kept <= 0) {
      return false;
    }
    return bucket(Objects.requireNonNullElse(requestId, "")) < kept;
  }

  public Redaction redaction() {
    return Redaction.of(redactedFields);
  }

  /**
   * The record as this policy keeps it: empty when an inference is sampled away; otherwise with its
   * business keys read from the inputs, then redacted, then without payload if capture is off.
   * Admin events come back unchanged.
   */
  public Optional<AuditRecord> apply(AuditRecord record) {
    if (record.kind() == AuditKind.ADMIN) {
      return Optional.of(record);
    }
    if (!sampled(record.requestId())) {
      return Optional.empty();
    }
    return Optional.of(trim(record));
  }

  /** Business keys, redaction and payload capture, for a record already sampled. */
  AuditRecord trim(AuditRecord record) {
    AuditRecord keyed = record;
    if (!businessKeyFields.isEmpty() && record.businessKeys().isEmpty()) {
      keyed = record.withBusinessKeys(BusinessKeys.read(record.inputs(), businessKeyFields));
    }
    if (!capturePayload) {
      return keyed.withPayload(null, null);
    }
    Redaction redaction = redaction();
    if (redaction.isNone()) {
      return keyed;
    }
    return keyed.withPayload(redaction.apply(keyed.inputs()), redaction.apply(keyed.outputs()));
  }

  /** Uniform over {@value #BUCKETS} buckets: FNV-1a 64 over UTF-8, then MurmurHash3's finaliser. */
  static int bucket(String requestId) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : requestId.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    hash ^= hash >>> 33;
    hash *= 0xff51afd7ed558ccdL;
    hash ^= hash >>> 33;
    hash *= 0xc4ceb9fe1a85ec53L;
    hash ^= hash >>> 33;
    return (int) Long.remainderUnsigned(hash, BUCKETS);
  }
}
