package dev.pier.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * An audit record's fields, mutable: how the factories, the {@code with…} methods and the JSON
 * reader build records, without a builder in the public API. Defaults are those of an unsealed
 * record: not batched, no flags, no business keys.
 */
final class RecordFields {
  String id;
  String stream;
  long sequence;
  Instant time;
  AuditKind kind;
  String actor;
  String action;
  String target;
  String version;
  String endpoint;
  String requestId;
  String traceId;
  String sourceAddress;
  Outcome outcome;
  int status;
  Duration latency;
  String before;
  String after;
  String inputs;
  String outputs;
  String error;
  TrafficFlags flags = TrafficFlags.NONE;
  int instanceIndex;
  int instanceCount = 1;
  Map<String, String> businessKeys = Map.of();
  String previousHash;
  String hash;
  String signature;

  RecordFields() {}

  RecordFields(AuditRecord record) {
    id = record.id();
    stream = record.stream();
    sequence = record.sequence();
    time = record.time();
    kind = record.kind();
    actor = record.actor();
    action = record.action();
    target = record.target();
    version = record.version();
    endpoint = record.endpoint();
    requestId = record.requestId();
    traceId = record.traceId();
    sourceAddress = record.sourceAddress();
    outcome = record.outcome();
    status = record.status();
    latency = record.latency();
    before = record.before();
    after = record.after();
    inputs = record.inputs();
    outputs = record.outputs();
    error = record.error();
    flags = record.flags();
    instanceIndex = record.instanceIndex();
    instanceCount = record.instanceCount();
    businessKeys = record.businessKeys();
    previousHash = record.previousHash();
    hash = record.hash();
    signature = record.signature();
  }

  /** A new, unsealed record's fields. */
  static RecordFields unsealed(Instant time, AuditKind kind, String action, Outcome outcome) {
    RecordFields fields = new RecordFields();
    fields.id = AuditRecord.newId(time);
    fields.time = time;
    fields.kind = kind;
    fields.action = action;
    fields.outcome = outcome;
    return fields;
  }

  AuditRecord toRecord() {
    return new AuditRecord(
        id,
        stream,
        sequence,
        time,
        kind,
        actor,
        action,
        target,
        version,
        endpoint,
        requestId,
        traceId,
        sourceAddress,
        outcome,
        status,
        latency,
        before,
        after,
        inputs,
        outputs,
        error,
        flags,
        instanceIndex,
        instanceCount,
        businessKeys,
        previousHash,
        hash,
        signature);
  }
}
