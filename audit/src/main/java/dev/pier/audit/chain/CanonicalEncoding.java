package dev.pier.audit.chain;

import dev.pier.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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

  /** One digest per thread: looking one up costs about as much as hashing a small record. */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is unavailable", e);
            }
          });

  /**
   * The encoding so far. It is hashed in one update at the end: the digest's per-call overhead on
   * some thirty fields of a few bytes each cost more than hashing the bytes themselves.
   */
  private byte[] bytes;

  private int length;

  private CanonicalEncoding(int capacity) {
    this.bytes = new byte[capacity];
  }

  /** SHA-256 of the record's encoding, with its own stream, sequence and previous hash. */
  static byte[] sha256(AuditRecord record) {
    CanonicalEncoding encoding = new CanonicalEncoding(256 + approximateLength(record));
    encoding.encode(record);
    MessageDigest digest = SHA_256.get();
    digest.update(encoding.bytes, 0, encoding.length);
    return digest.digest();
  }

  /** The characters of the long fields, a first guess at the encoding's size. */
  private static int approximateLength(AuditRecord record) {
    return length(record.inputs())
        + length(record.outputs())
        + length(record.before())
        + length(record.after())
        + length(record.error());
  }

  private static int length(String value) {
    return value == null ? 0 : value.length();
  }

  private void encode(AuditRecord record) {
    append(PREFIX);
    ensure(1);
    bytes[length++] = VERSION;
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
      bool(false);
    } else {
      bool(true);
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
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    intValue(utf8.length);
    append(utf8);
  }

  private void bool(boolean value) {
    ensure(1);
    bytes[length++] = value ? (byte) 1 : (byte) 0;
  }

  private void intValue(int value) {
    ensure(Integer.BYTES);
    for (int shift = 24; shift >= 0; shift -= 8) {
      bytes[length++] = (byte) (value >>> shift);
    }
  }

  private void longValue(long value) {
    ensure(Long.BYTES);
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes[length++] = (byte) (value >>> shift);
    }
  }

  private void append(byte[] more) {
    ensure(more.length);
    System.arraycopy(more, 0, bytes, length, more.length);
    length += more.length;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
