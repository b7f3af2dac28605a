package dev.pier.audit.chain;

import dev.pier.audit.AuditRecord;
import java.util.Objects;

/**
 * The last sealed record of a stream: the next record gets {@code sequence + 1} and links to {@code
 * hash}. A stream with no records yet has the genesis head (sequence 0, {@link
 * HashChain#GENESIS_HASH}).
 */
public record ChainHead(String stream, long sequence, String hash) {
  public ChainHead {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(hash, "hash");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative: " + sequence);
    }
  }

  public static ChainHead genesis(String stream) {
    return new ChainHead(stream, 0, HashChain.GENESIS_HASH);
  }

  /** The head a sealed record makes. */
  public static ChainHead of(AuditRecord sealed) {
    if (!sealed.isSealed()) {
      throw new IllegalArgumentException("record " + sealed.id() + " is not sealed");
    }
    return new ChainHead(sealed.stream(), sealed.sequence(), sealed.hash());
  }

  /** The later of two heads of the same stream. */
  public ChainHead max(ChainHead other) {
    return other == null || other.sequence <= sequence ? this : other;
  }
}
