package dev.pier.audit.chain;

import dev.pier.audit.AuditRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * The bytes a record's hash is computed over, version 1.
 *
 * <p>A fixed prefix and version byte, then every field in a fixed order: strings as a 4-byte
 * big-endian length of their UTF-8 bytes (-1 for null) followed by those bytes; numbers as
 * big-endian 4 or 8 bytes; booleans as one byte; the time as epoch seconds and nanoseconds; the
 * latency as a presence byte and nanoseconds; business keys as a count and name/value pairs in name
 * order; the previous hash last. Length prefixes make the encoding unambiguous (no two records
 * encode alike), and a change of format gets a new version so old records still verify.
 */
final class CanonicalEncoding {
  static final byte VERSION = 1;
  private static final byte[] PREFIX = "pier-audit-record".getBytes(StandardCharsets.US_ASCII);

  private final MessageDigest digest;
  private final ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES);

  private CanonicalEncoding(MessageDigest digest) {
    this.digest = digest;
  }

  /** SHA-256 of the record's encoding, with its own stream, sequence and previous hash. */
  static byte[] sha256(AuditRecord record) {
    CanonicalEncoding encoding;
    try {
      encoding = new CanonicalEncoding(MessageDigest.getInstance("SHA-256"));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
    encoding.encode(record);
    return encoding.digest.digest();
  }

  private void encode(AuditRecord record) {
    digest.update(PREFIX);
    digest.update(VERSION);
    string(record.id());
    string(record.stream());
    longValue(record.sequence());
    longValue(record.time().getEpochSecond());
    intValue(record.time().getNano());
    string(record.kind().name());
    string(record.actor());
    string(record.action());
    string(record.target());
    string(record.version());
    string(record.endpoint());
    string(record.requestId());
    string(record.traceId());
    string(record.sourceAddress());
    string(record.outcome().name());
    intValue(record.status());
    if (record.latency() == null) {
      digest.update((byte) 0);
    } else {
      digest.update((byte) 1);
      longValue(record.latency().toNanos());
    }
    string(record.before());
    string(record.after());
    string(record.inputs());
    string(record.outputs());
    string(record.error());
    bool(record.flags().canary());
    bool(record.flags().shadow());
    bool(record.flags().fallback());
    intValue(record.instanceIndex());
    intValue(record.instanceCount());
    intValue(record.businessKeys().size());
    // businessKeys is sorted by name (AuditRecord keeps a sorted copy).
    for (Map.Entry<String, String> key : record.businessKeys().entrySet()) {
      string(key.getKey());
      string(key.getValue());
    }
    string(record.previousHash());
  }

  private void string(String value) {
    if (value == null) {
      intValue(-1);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    intValue(bytes.length);
    digest.update(bytes);
  }

  private void bool(boolean value) {
    digest.update(value ? (byte) 1 : (byte) 0);
  }

  private void intValue(int value) {
    scratch.clear();
    scratch.putInt(value);
    digest.update(scratch.array(), 0, Integer.BYTES);
  }

  private void longValue(long value) {
    scratch.clear();
    scratch.putLong(value);
    digest.update(scratch.array(), 0, Long.BYTES);
  }
}
