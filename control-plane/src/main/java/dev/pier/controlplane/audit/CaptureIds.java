package dev.pier.controlplane.audit;

import dev.pier.audit.AuditRecord;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Record ids that say which capture of the intake log a record came from: a time-ordered UUID
 * (version 7, like {@code AuditRecord.newId}) whose 74 random bits hold a tag, the capture's intake
 * sequence (44 bits) and the record's instance index (20 bits), mixed with the intake log's salt so
 * that ids of different control planes do not collide.
 *
 * <p>This is what makes replaying the intake exactly-once: the same capture gives the same ids, and
 * the id of the last record the dispatcher stored ({@code AuditDispatcher.lastStoredId}) tells a
 * restart which capture and instance to continue after. An id of another log (another salt) fails
 * the tag check, but with probability 2<sup>-10</sup> per id; {@link InferenceAudit} also checks
 * that the sequence lies within the log.
 */
final class CaptureIds {
  /** Instances from this index on get random ids (and are not deduplicated on replay). */
  static final int MAX_INSTANCES = 1 << 20;

  private static final long TAG = 0x2A5;
  private static final long SEQUENCE_BITS = 44;
  private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;
  private static final long LOW_BITS_OF_SEQUENCE = 42;
  private static final long RANDOM_B_MASK = 0x3FFF_FFFF_FFFF_FFFFL;

  /** Where a record came from. */
  record Origin(long sequence, int instance) {
    boolean isAfter(long otherSequence, int otherInstance) {
      return sequence > otherSequence || (sequence == otherSequence && instance > otherInstance);
    }
  }

  private final long saltA;
  private final long saltB;

  CaptureIds(long[] salt) {
    this.saltA = salt[0] & 0xFFF;
    this.saltB = salt[1] & RANDOM_B_MASK;
  }

  String id(Instant time, long sequence, int instance) {
    if (instance >= MAX_INSTANCES || sequence > SEQUENCE_MASK) {
      return AuditRecord.newId(time);
    }
    long top = (TAG << 2) | (sequence >>> LOW_BITS_OF_SEQUENCE);
    long bottom = ((sequence & ((1L << LOW_BITS_OF_SEQUENCE) - 1)) << 20) | instance;
    long millis = time.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
    long high = (millis << 16) | 0x7000L | ((top ^ saltA) & 0xFFF);
    long low = 0x8000_0000_0000_0000L | ((bottom ^ saltB) & RANDOM_B_MASK);
    return new UUID(high, low).toString();
  }

  /** The capture an id of this log names; empty for any other id. */
  Optional<Origin> origin(String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    long high = uuid.getMostSignificantBits();
    long low = uuid.getLeastSignificantBits();
    if (((high >>> 12) & 0xF) != 7 || (low >>> 62) != 2) {
      return Optional.empty();
    }
    long top = (high & 0xFFF) ^ saltA;
    long bottom = (low & RANDOM_B_MASK) ^ saltB;
    if ((top >>> 2) != TAG) {
      return Optional.empty();
    }
    long sequence = ((top & 0x3) << LOW_BITS_OF_SEQUENCE) | (bottom >>> 20);
    return Optional.of(new Origin(sequence, (int) (bottom & (MAX_INSTANCES - 1))));
  }
}
