package dev.pier.audit;

import java.util.List;
import java.util.Optional;

/**
 * Where sealed audit records are stored and searched: the SPI the Elasticsearch and PostgreSQL
 * sinks implement, with the same semantics.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #write} is idempotent per record id: a record written again (a retry after a
 *       timeout, a replay after a crash) is stored once, and counts as stored. A sink that cannot
 *       be reached or fails as a whole throws {@link AuditSinkException}, and the whole batch will
 *       be written again; a record the sink refuses for good (it will never be storable) is
 *       returned in {@link WriteResult#rejected()} while the others are stored.
 *   <li>Records are returned exactly as written, so their hashes can be verified.
 *   <li>What was written is visible to reads after a sink-specific delay at most ({@link #last} is
 *       always up to date); near-real-time sinks document theirs.
 * </ul>
 *
 * <p>Implementations are safe for use by several threads.
 */
public interface AuditSink extends AutoCloseable {

  /** Stores sealed records; throws {@link AuditSinkException} if nothing can be promised. */
  WriteResult write(List<AuditRecord> records);

  /** One page of the records matching the query, in its order. */
  AuditPage query(AuditQuery query);

  /** How many records match the query (its order, page size and cursor do not matter). */
  long count(AuditQuery query);

  /**
   * Records of one stream in sequence order (then id, so that duplicates of a sequence show up),
   * starting after the position given.
   *
   * @param afterSequence the sequence to continue after (0 for the start)
   * @param afterId with a record of {@code afterSequence}: continue after that record, so that
   *     further records with the same sequence follow; null to skip the whole sequence
   */
  List<AuditRecord> readChain(String stream, long afterSequence, String afterId, int limit);

  /** The record with the highest sequence of a stream, as stored now. */
  Optional<AuditRecord> last(String stream);

  /** The names of all streams with records. */
  List<String> streams();

  @Override
  void close();

  /** The outcome of a {@link #write} that did not fail as a whole. */
  record WriteResult(List<Rejected> rejected) {
    public static final WriteResult ALL_STORED = new WriteResult(List.of());

    public WriteResult {
      rejected = List.copyOf(rejected);
    }
  }

  /** A record the sink will never store, and why. */
  record Rejected(AuditRecord record, String reason) {}
}
