package dev.pier.audit.chain;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads streams back from a sink in sequence order and checks every link: consecutive sequences,
 * each hash recomputed from the record's fields, each previous hash equal to the previous record's
 * hash, and (with a key) each signature. It reports the first break.
 *
 * <p>Deleting the newest records of a stream leaves no gap inside the chain; pass the stream's
 * expected head (the dispatcher knows it) to detect that too. Streams whose oldest records were
 * removed by retention are verified from their first retained sequence with {@link #verifyFrom}.
 */
public final class ChainVerifier {
  private static final int PAGE = 1_000;

  private final AuditSink sink;
  private final SigningKey key;

  public ChainVerifier(AuditSink sink, Optional<SigningKey> key) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.key = key.orElse(null);
  }

  /** Verifies a whole stream, from sequence 1 and the genesis. */
  public Verification verify(String stream) {
    return check(stream, 1, HashChain.GENESIS_HASH, Optional.empty());
  }

  /** Verifies a whole stream and that it ends at {@code expectedHead}. */
  public Verification verify(String stream, ChainHead expectedHead) {
    return check(stream, 1, HashChain.GENESIS_HASH, Optional.of(expectedHead));
  }

  /**
   * Verifies a stream from {@code firstSequence} on, trusting that record's link to its predecessor
   * (which retention removed).
   */
  public Verification verifyFrom(String stream, long firstSequence) {
    if (firstSequence < 1) {
      throw new IllegalArgumentException("sequences start at 1: " + firstSequence);
    }
    return check(
        stream,
        firstSequence,
        firstSequence == 1 ? HashChain.GENESIS_HASH : null,
        Optional.empty());
  }

  /** Verifies every stream the sink holds. */
  public List<Verification> verifyAll() {
    List<Verification> results = new ArrayList<>();
    for (String stream : sink.streams()) {
      results.add(verify(stream));
    }
    return results;
  }

  private Verification check(
      String stream, long firstSequence, String firstPreviousHash, Optional<ChainHead> expected) {
    long expectedSequence = firstSequence;
    String previousHash = firstPreviousHash;
    long checked = 0;
    long afterSequence = firstSequence - 1;
    String afterId = null;
    while (true) {
      List<AuditRecord> page = sink.readChain(stream, afterSequence, afterId, PAGE);
      for (AuditRecord record : page) {
        Optional<Verification.Break> broken = check(record, expectedSequence, previousHash);
        if (broken.isPresent()) {
          return new Verification(stream, checked, expectedSequence - 1, broken);
        }
        previousHash = record.hash();
        expectedSequence++;
        checked++;
      }
      if (page.size() < PAGE) {
        break;
      }
      AuditRecord last = page.get(page.size() - 1);
      afterSequence = last.sequence();
      afterId = last.id();
    }
    long lastSequence = expectedSequence - 1;
    String lastHash = previousHash;
    Optional<Verification.Break> end =
        expected.flatMap(head -> checkEnd(head, lastSequence, lastHash));
    return new Verification(stream, checked, lastSequence, end);
  }

  /** Whether the stream ends where its head says it does. */
  private static Optional<Verification.Break> checkEnd(
      ChainHead head, long lastSequence, String lastHash) {
    if (lastSequence < head.sequence()) {
      return Optional.of(
          new Verification.Break(
              lastSequence + 1,
              Verification.Problem.MISSING,
              null,
              "the stream ends at " + lastSequence + " but its head is at " + head.sequence()));
    }
    if (lastSequence == head.sequence() && !head.hash().equals(lastHash)) {
      return Optional.of(
          new Verification.Break(
              lastSequence,
              Verification.Problem.BROKEN_LINK,
              null,
              "the last record's hash is not the stream head's"));
    }
    return Optional.empty();
  }

  private Optional<Verification.Break> check(
      AuditRecord record, long expectedSequence, String previousHash) {
    if (record.sequence() < expectedSequence) {
      return broken(
          record.sequence(),
          Verification.Problem.DUPLICATE,
          record,
          "a second record with sequence " + record.sequence());
    }
    if (record.sequence() > expectedSequence) {
      return Optional.of(
          new Verification.Break(
              expectedSequence,
              Verification.Problem.MISSING,
              null,
              "sequence "
                  + expectedSequence
                  + " is missing; the next record found is "
                  + record.sequence()));
    }
    if (record.hash() == null || !HashChain.hash(record).equals(record.hash())) {
      return broken(
          record.sequence(),
          Verification.Problem.HASH_MISMATCH,
          record,
          "the record's fields do not match its hash");
    }
    if (previousHash != null && !previousHash.equals(record.previousHash())) {
      return broken(
          record.sequence(),
          Verification.Problem.BROKEN_LINK,
          record,
          "the record does not link to the previous record's hash");
    }
    if (key != null && !key.verifies(record.hash(), record.signature())) {
      return broken(
          record.sequence(),
          Verification.Problem.BAD_SIGNATURE,
          record,
          record.signature() == null ? "the record is not signed" : "the signature is wrong");
    }
    return Optional.empty();
  }

  private static Optional<Verification.Break> broken(
      long sequence, Verification.Problem problem, AuditRecord record, String detail) {
    return Optional.of(new Verification.Break(sequence, problem, record.id(), detail));
  }
}
