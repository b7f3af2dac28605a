package dev.pier.audit.chain;

import dev.pier.audit.AuditRecord;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Seals records into streams: per stream, consecutive sequence numbers from 1, and a hash that
 * chains each record to the previous one.
 *
 * <p>{@code hash = SHA-256(canonical encoding of every field, including stream, sequence and the
 * previous record's hash)}, lower-case hex; the first record of a stream links to {@link
 * #GENESIS_HASH}. With a {@link SigningKey}, each record also carries an HMAC-SHA256 of its hash.
 *
 * <p>Not thread-safe: one writer owns a chain (the dispatcher's writer thread).
 */
public final class HashChain {
  /** What the first record of every stream links to. */
  public static final String GENESIS_HASH = "0".repeat(64);

  private final Map<String, ChainHead> heads;
  private final SigningKey key;

  /**
   * @param heads the last sealed record of each stream, where sealing continues; streams not in it
   *     start at the genesis
   */
  public HashChain(Map<String, ChainHead> heads, Optional<SigningKey> key) {
    this.heads = new HashMap<>(heads);
    this.key = key.orElse(null);
  }

  /** The record sealed as the next of {@code stream}; the stream's head moves to it. */
  public AuditRecord append(String stream, AuditRecord record) {
    Objects.requireNonNull(stream, "stream");
    if (record.isSealed()) {
      throw new IllegalArgumentException("record " + record.id() + " is sealed already");
    }
    ChainHead head = head(stream);
    AuditRecord placed = record.withSeal(stream, head.sequence() + 1, head.hash(), null, null);
    String hash = hash(placed);
    AuditRecord sealed =
        placed.withSeal(
            stream,
            placed.sequence(),
            placed.previousHash(),
            hash,
            key == null ? null : key.sign(hash));
    heads.put(stream, ChainHead.of(sealed));
    return sealed;
  }

  public ChainHead head(String stream) {
    ChainHead head = heads.get(stream);
    return head == null ? ChainHead.genesis(stream) : head;
  }

  /** A copy of every stream's head. */
  public Map<String, ChainHead> heads() {
    return Map.copyOf(heads);
  }

  /** The hash a sealed record should carry, recomputed from its fields and previous hash. */
  public static String hash(AuditRecord record) {
    return HexFormat.of().formatHex(CanonicalEncoding.sha256(record));
  }
}
