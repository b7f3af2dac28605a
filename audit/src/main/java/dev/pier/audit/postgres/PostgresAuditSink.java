package dev.pier.audit.postgres;

import dev.pier.audit.AuditKind;
import dev.pier.audit.AuditPage;
import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditSink;
import dev.pier.audit.AuditSinkException;
import dev.pier.audit.Outcome;
import dev.pier.audit.SearchTerms;
import dev.pier.audit.TrafficFlags;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Stores audit records in PostgreSQL's {@code audit_record} table.
 *
 * <p>A batch is first sent as one {@code COPY ... FROM STDIN} ({@link CopyRows}): it skips what an
 * {@code INSERT} costs the database per row (binding, a unique-key probe and a speculative
 * insertion for {@code ON CONFLICT}) and is about a third cheaper for it. When the copy fails on a
 * value or a key (SQL states 22 and 23: a record already stored after a replay, a NUL character in
 * text), nothing of it stays, and the batch goes again as one transaction of {@code INSERT ... ON
 * CONFLICT DO NOTHING}, so records already stored count as stored; when PostgreSQL still refuses a
 * value, the batch is written once more row by row and the rows it refuses are returned as
 * rejected. Any other failure (no connection, a restart) fails the batch as a whole. Reads see
 * every committed write at once.
 *
 * <p>The data source belongs to the caller; {@link #close()} does not close it.
 */
public final class PostgresAuditSink implements AuditSink {
  static final String COLUMNS =
      "id, stream, sequence, recorded_at, kind, actor, action, target, version, endpoint,"
          + " request_id, trace_id, source_address, outcome, status, latency_nanos, before_state,"
          + " after_state, inputs, outputs, error, canary, shadow, fallback, instance_index,"
          + " instance_count, business_keys, search_terms, previous_hash, hash, signature";

  private static final String INSERT =
      "INSERT INTO audit_record ("
          + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

  private static final String COPY = "COPY audit_record (" + COLUMNS + ") FROM STDIN";

  private static final String STREAMS =
      "WITH RECURSIVE streams AS ("
          + " (SELECT stream FROM audit_record ORDER BY stream LIMIT 1)"
          + " UNION ALL"
          + " SELECT (SELECT a.stream FROM audit_record a WHERE a.stream > s.stream"
          + " ORDER BY a.stream LIMIT 1) FROM streams s WHERE s.stream IS NOT NULL)"
          + " SELECT stream FROM streams WHERE stream IS NOT NULL";

  private final DataSource dataSource;

  public PostgresAuditSink(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public WriteResult write(List<AuditRecord> records) {
    if (records.isEmpty()) {
      return WriteResult.ALL_STORED;
    }
    try (Connection connection = dataSource.getConnection()) {
      if (copy(connection, records)) {
        return WriteResult.ALL_STORED;
      }
      try {
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
          for (AuditRecord record : records) {
            bind(connection, insert, record);
            insert.addBatch();
          }
          insert.executeBatch();
        }
        connection.commit();
        return WriteResult.ALL_STORED;
      } catch (SQLException e) {
        connection.rollback();
        if (!refusesData(e)) {
          throw e;
        }
      } finally {
        connection.setAutoCommit(true);
      }
      return writeOneByOne(connection, records);
    } catch (SQLException e) {
      throw new AuditSinkException(
          "PostgreSQL did not store the audit batch: " + e.getMessage(), e);
    }
  }

  /**
   * Copies the batch in one transaction; false when PostgreSQL refused a value or a key, and
   * nothing of the batch was stored.
   */
  static boolean copy(Connection connection, List<AuditRecord> records) throws SQLException {
    try {
      connection.setAutoCommit(false);
      CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
      try {
        CopyRows.write(records, copy::writeToCopy);
        copy.endCopy();
      } finally {
        if (copy.isActive()) {
          copy.cancelCopy();
        }
      }
      connection.commit();
      return true;
    } catch (SQLException e) {
      connection.rollback();
      if (!refusesData(e)) {
        throw e;
      }
      return false;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private WriteResult writeOneByOne(Connection connection, List<AuditRecord> records)
      throws SQLException {
    List<Rejected> rejected = new ArrayList<>();
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (AuditRecord record : records) {
        try {
          bind(connection, insert, record);
          insert.executeUpdate();
        } catch (SQLException e) {
          if (!refusesData(e)) {
            throw e;
          }
          rejected.add(new Rejected(record, e.getMessage()));
        }
      }
    }
    return new WriteResult(rejected);
  }

  /** Whether PostgreSQL refused a value for good: data exceptions and integrity violations. */
  private static boolean refusesData(SQLException e) {
    for (SQLException cause = e; cause != null; cause = cause.getNextException()) {
      String state = cause.getSQLState();
      if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
        return true;
      }
    }
    return false;
  }

  private static void bind(Connection connection, PreparedStatement insert, AuditRecord record)
      throws SQLException {
    int column = 1;
    insert.setString(column++, record.id());
    insert.setString(column++, record.stream());
    insert.setLong(column++, record.sequence());
    insert.setObject(column++, OffsetDateTime.ofInstant(record.time(), ZoneOffset.UTC));
    insert.setString(column++, record.kind().name());
    insert.setString(column++, record.actor());
    insert.setString(column++, record.action());
    insert.setString(column++, record.target());
    insert.setString(column++, record.version());
    insert.setString(column++, record.endpoint());
    insert.setString(column++, record.requestId());
    insert.setString(column++, record.traceId());
    insert.setString(column++, record.sourceAddress());
    insert.setString(column++, record.outcome().name());
    insert.setInt(column++, record.status());
    if (record.latency() == null) {
      insert.setNull(column++, Types.BIGINT);
    } else {
      insert.setLong(column++, record.latency().toNanos());
    }
    insert.setString(column++, record.before());
    insert.setString(column++, record.after());
    insert.setString(column++, record.inputs());
    insert.setString(column++, record.outputs());
    insert.setString(column++, record.error());
    insert.setBoolean(column++, record.flags().canary());
    insert.setBoolean(column++, record.flags().shadow());
    insert.setBoolean(column++, record.flags().fallback());
    insert.setInt(column++, record.instanceIndex());
    insert.setInt(column++, record.instanceCount());
    insert.setArray(column++, textArray(connection, SearchTerms.businessKeyTerms(record)));
    insert.setArray(column++, textArray(connection, SearchTerms.of(record)));
    insert.setString(column++, record.previousHash());
    insert.setString(column++, record.hash());
    insert.setString(column, record.signature());
  }

  @Override
  public AuditPage query(AuditQuery query) {
    PostgresQuery sql = PostgresQuery.page(query);
    List<AuditRecord> records = select(sql);
    if (records.size() <= query.pageSize()) {
      return AuditPage.last(records);
    }
    List<AuditRecord> page = records.subList(0, query.pageSize());
    AuditRecord last = page.get(page.size() - 1);
    return new AuditPage(page, Optional.of(PostgresQuery.cursor(last)));
  }

  @Override
  public long count(AuditQuery query) {
    PostgresQuery sql = PostgresQuery.count(query);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = sql.prepare(connection);
        ResultSet result = statement.executeQuery()) {
      result.next();
      return result.getLong(1);
    } catch (SQLException e) {
      throw new AuditSinkException("PostgreSQL did not count audit records: " + e.getMessage(), e);
    }
  }

  @Override
  public List<AuditRecord> readChain(String stream, long afterSequence, String afterId, int limit) {
    return select(PostgresQuery.chain(stream, afterSequence, afterId, limit));
  }

  @Override
  public Optional<AuditRecord> last(String stream) {
    List<AuditRecord> last = select(PostgresQuery.last(stream));
    return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0));
  }

  @Override
  public List<String> streams() {
    List<String> streams = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(STREAMS);
        ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        streams.add(result.getString(1));
      }
      return streams;
    } catch (SQLException e) {
      throw new AuditSinkException("PostgreSQL did not list audit streams: " + e.getMessage(), e);
    }
  }

  /**
   * Retention: deletes every record older than {@code cutoff}; how many were deleted. Verify the
   * remaining streams with {@code ChainVerifier.verifyFrom} their first retained sequence.
   */
  public long deleteOlderThan(Instant cutoff) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM audit_record WHERE recorded_at < ?")) {
      delete.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
      return delete.executeLargeUpdate();
    } catch (SQLException e) {
      throw new AuditSinkException("PostgreSQL did not apply retention: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {}

  private List<AuditRecord> select(PostgresQuery sql) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = sql.prepare(connection);
        ResultSet result = statement.executeQuery()) {
      List<AuditRecord> records = new ArrayList<>();
      while (result.next()) {
        records.add(read(result));
      }
      return records;
    } catch (SQLException e) {
      throw new AuditSinkException("PostgreSQL did not read audit records: " + e.getMessage(), e);
    }
  }

  private static AuditRecord read(ResultSet row) throws SQLException {
    long latency = row.getLong("latency_nanos");
    Duration latencyValue = row.wasNull() ? null : Duration.ofNanos(latency);
    return new AuditRecord(
        row.getString("id"),
        row.getString("stream"),
        row.getLong("sequence"),
        row.getObject("recorded_at", OffsetDateTime.class).toInstant(),
        AuditKind.valueOf(row.getString("kind")),
        row.getString("actor"),
        row.getString("action"),
        row.getString("target"),
        row.getString("version"),
        row.getString("endpoint"),
        row.getString("request_id"),
        row.getString("trace_id"),
        row.getString("source_address"),
        Outcome.valueOf(row.getString("outcome")),
        row.getInt("status"),
        latencyValue,
        row.getString("before_state"),
        row.getString("after_state"),
        row.getString("inputs"),
        row.getString("outputs"),
        row.getString("error"),
        new TrafficFlags(
            row.getBoolean("canary"), row.getBoolean("shadow"), row.getBoolean("fallback")),
        row.getInt("instance_index"),
        row.getInt("instance_count"),
        businessKeys(row.getArray("business_keys")),
        row.getString("previous_hash"),
        row.getString("hash"),
        row.getString("signature"));
  }

  private static Map<String, String> businessKeys(Array array) throws SQLException {
    Map<String, String> keys = new TreeMap<>();
    for (Object term : (Object[]) array.getArray()) {
      String text = (String) term;
      int equals = text.indexOf('=');
      keys.put(text.substring(0, equals), text.substring(equals + 1));
    }
    return keys;
  }

  static Array textArray(Connection connection, List<String> values) throws SQLException {
    return connection.createArrayOf("text", values.toArray());
  }
}
