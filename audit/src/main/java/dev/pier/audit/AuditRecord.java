package dev.pier.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One audit record: an admin event or one instance of an inference request.
 *
 * <p>Records are created unsealed by {@link #admin} or {@link #inference} (plus the {@code with…}
 * methods for optional fields). The dispatcher seals them: it puts each into a stream, gives it the
 * next sequence number of that stream and the hash that chains it to the previous record ({@link
 * #withSeal}). Everything a sink stores is a sealed record, and a sink must give back exactly the
 * values it was given — the hash covers all of them.
 *
 * <p>Payloads ({@link #before}, {@link #after}, {@link #inputs}, {@link #outputs}) are JSON text,
 * kept verbatim. Time is kept to the microsecond, the precision both sinks store.
 *
 * @param id unique id of the record (a time-ordered UUID); sinks store a record once per id
 * @param stream the hash chain the record belongs to; null until sealed
 * @param sequence position in the stream, from 1 and without gaps; 0 until sealed
 * @param actor who acted: the admin user, or the caller of an inference
 * @param action what was done: an admin action such as {@code endpoint.update}, or {@value #INFER}
 * @param target what was acted on: the object an admin changed, or the target (model or graph) an
 *     inference was routed to
 * @param version the target's version that answered an inference
 * @param status the protocol status (HTTP status code), 0 when there is none
 * @param latency how long an inference took; null for admin events
 * @param error the error message of a failed inference
 * @param instanceIndex which instance of a batched request this record is, from 0
 * @param instanceCount how many instances the request had (1 when it was not batched)
 * @param businessKeys chosen input fields and their values, for searching by business key
 * @param previousHash the hash of the stream's previous record (or of the genesis); null until
 *     sealed
 * @param hash SHA-256 over the record's canonical encoding and the previous hash; null until sealed
 * @param signature HMAC-SHA256 of the hash with the configured key, or null when unsigned
 */
public record AuditRecord(
    String id,
    String stream,
    long sequence,
    Instant time,
    AuditKind kind,
    String actor,
    String action,
    String target,
    String version,
    String endpoint,
    String requestId,
    String traceId,
    String sourceAddress,
    Outcome outcome,
    int status,
    Duration latency,
    String before,
    String after,
    String inputs,
    String outputs,
    String error,
    TrafficFlags flags,
    int instanceIndex,
    int instanceCount,
    Map<String, String> businessKeys,
    String previousHash,
    String hash,
    String signature) {

  /** The action of every inference record. */
  public static final String INFER = "infer";

  public AuditRecord {
    requireText(id, "id");
    Objects.requireNonNull(time, "time");
    time = time.truncatedTo(ChronoUnit.MICROS);
    Objects.requireNonNull(kind, "kind");
    requireText(action, "action");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(flags, "flags");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative: " + sequence);
    }
    if (stream != null && stream.isBlank()) {
      throw new IllegalArgumentException("stream must not be blank");
    }
    if (latency != null && latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    if (instanceCount < 1 || instanceIndex < 0 || instanceIndex >= instanceCount) {
      throw new IllegalArgumentException(
          "instance " + instanceIndex + " of " + instanceCount + " is not a valid position");
    }
    businessKeys = copyKeys(businessKeys);
  }

  /**
   * An admin event, unsealed.
   *
   * @param before the changed object before the change, as JSON (null when it was created)
   * @param after the object after the change, as JSON (null when it was deleted)
   */
  public static AuditRecord admin(
      Instant time,
      String actor,
      String action,
      String target,
      String before,
      String after,
      String sourceAddress,
      Outcome outcome) {
    RecordFields fields = RecordFields.unsealed(time, AuditKind.ADMIN, action, outcome);
    fields.actor = actor;
    fields.target = target;
    fields.before = before;
    fields.after = after;
    fields.sourceAddress = sourceAddress;
    return fields.toRecord();
  }

  /**
   * An inference record without target, payload or trace, unsealed; the {@code with…} methods add
   * them. A batched request becomes one record per instance through {@code
   * capture.InferenceRecords}.
   */
  public static AuditRecord inference(
      Instant time,
      String requestId,
      String endpoint,
      String caller,
      Outcome outcome,
      int status,
      Duration latency) {
    RecordFields fields = RecordFields.unsealed(time, AuditKind.INFERENCE, INFER, outcome);
    fields.requestId = requestId;
    fields.endpoint = endpoint;
    fields.actor = caller;
    fields.status = status;
    fields.latency = latency;
    return fields.toRecord();
  }

  /** A new time-ordered id (UUID version 7): sorts by creation time, unique without a registry. */
  public static String newId(Instant time) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long millis = time.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
    long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }

  /** Whether the dispatcher has put this record into a stream. */
  public boolean isSealed() {
    return hash != null;
  }

  public AuditRecord withId(String newId) {
    return with(fields -> fields.id = newId);
  }

  public AuditRecord withRequestId(String newRequestId) {
    return with(fields -> fields.requestId = newRequestId);
  }

  public AuditRecord withTarget(String newTarget, String newVersion) {
    return with(
        fields -> {
          fields.target = newTarget;
          fields.version = newVersion;
        });
  }

  /** The endpoint an admin event concerns, or the one an inference called. */
  public AuditRecord withEndpoint(String newEndpoint) {
    return with(fields -> fields.endpoint = newEndpoint);
  }

  public AuditRecord withFlags(TrafficFlags newFlags) {
    return with(fields -> fields.flags = newFlags);
  }

  public AuditRecord withTraceId(String newTraceId) {
    return with(fields -> fields.traceId = newTraceId);
  }

  public AuditRecord withSourceAddress(String newSourceAddress) {
    return with(fields -> fields.sourceAddress = newSourceAddress);
  }

  /** The inference's inputs and outputs as JSON text (either may be null). */
  public AuditRecord withPayload(String newInputs, String newOutputs) {
    return with(
        fields -> {
          fields.inputs = newInputs;
          fields.outputs = newOutputs;
        });
  }

  public AuditRecord withError(String newError) {
    return with(fields -> fields.error = newError);
  }

  public AuditRecord withInstance(int newIndex, int newCount) {
    return with(
        fields -> {
          fields.instanceIndex = newIndex;
          fields.instanceCount = newCount;
        });
  }

  public AuditRecord withBusinessKeys(Map<String, String> newBusinessKeys) {
    return with(fields -> fields.businessKeys = newBusinessKeys);
  }

  /** This record placed in a stream: what {@code chain.HashChain} computes for it. */
  public AuditRecord withSeal(
      String newStream,
      long newSequence,
      String newPreviousHash,
      String newHash,
      String newSignature) {
    requireText(newStream, "stream");
    if (newSequence < 1) {
      throw new IllegalArgumentException("a sealed record's sequence starts at 1: " + newSequence);
    }
    requireText(newPreviousHash, "previousHash");
    return with(
        fields -> {
          fields.stream = newStream;
          fields.sequence = newSequence;
          fields.previousHash = newPreviousHash;
          fields.hash = newHash;
          fields.signature = newSignature;
        });
  }

  private AuditRecord with(Consumer<RecordFields> change) {
    RecordFields fields = new RecordFields(this);
    change.accept(fields);
    return fields.toRecord();
  }

  private static SortedMap<String, String> copyKeys(Map<String, String> keys) {
    if (keys == null || keys.isEmpty()) {
      return Collections.emptySortedMap();
    }
    TreeMap<String, String> copy = new TreeMap<>();
    keys.forEach(
        (name, value) -> {
          requireText(name, "business key name");
          if (name.indexOf('=') >= 0) {
            throw new IllegalArgumentException("a business key name has no '=': " + name);
          }
          copy.put(name, Objects.requireNonNull(value, "business key " + name));
        });
    return Collections.unmodifiableSortedMap(copy);
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
