package dev.pier.audit.postgres;

import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.SearchTerms;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** One SQL statement over {@code audit_record} and its parameters, built from an audit query. */
final class PostgresQuery {
  private static final String CURSOR_PREFIX = "pg1.";

  @FunctionalInterface
  private interface Parameter {
    void bind(Connection connection, PreparedStatement statement, int index) throws SQLException;
  }

  private final StringBuilder sql;
  private final List<Parameter> parameters = new ArrayList<>();

  private PostgresQuery(String start) {
    this.sql = new StringBuilder(start);
  }

  static PostgresQuery page(AuditQuery query) {
    PostgresQuery statement =
        new PostgresQuery("SELECT " + PostgresAuditSink.COLUMNS + " FROM audit_record WHERE TRUE");
    statement.filter(query);
    boolean newestFirst = query.order() == AuditQuery.Order.NEWEST_FIRST;
    if (query.cursor() != null) {
      Position after = decode(query.cursor());
      statement.sql.append(
          newestFirst ? " AND (recorded_at, id) < (?, ?)" : " AND (recorded_at, id) > (?, ?)");
      statement.time(after.time());
      statement.text(after.id());
    }
    statement.sql.append(
        newestFirst
            ? " ORDER BY recorded_at DESC, id DESC LIMIT ?"
            : " ORDER BY recorded_at, id LIMIT ?");
    // One more than a page: whether there is a next page, without a count.
    int limit = query.pageSize() + 1;
    statement.parameters.add((connection, prepared, index) -> prepared.setInt(index, limit));
    return statement;
  }

  static PostgresQuery count(AuditQuery query) {
    PostgresQuery statement = new PostgresQuery("SELECT count(*) FROM audit_record WHERE TRUE");
    statement.filter(query);
    return statement;
  }

  static PostgresQuery chain(String stream, long afterSequence, String afterId, int limit) {
    PostgresQuery statement =
        new PostgresQuery(
            "SELECT " + PostgresAuditSink.COLUMNS + " FROM audit_record WHERE stream = ?");
    statement.text(stream);
    if (afterId == null) {
      statement.sql.append(" AND sequence > ?");
      statement.parameters.add(
          (connection, prepared, index) -> prepared.setLong(index, afterSequence));
    } else {
      statement.sql.append(" AND (sequence, id) > (?, ?)");
      statement.parameters.add(
          (connection, prepared, index) -> prepared.setLong(index, afterSequence));
      statement.text(afterId);
    }
    statement.sql.append(" ORDER BY sequence, id LIMIT ?");
    statement.parameters.add((connection, prepared, index) -> prepared.setInt(index, limit));
    return statement;
  }

  static PostgresQuery last(String stream) {
    PostgresQuery statement =
        new PostgresQuery(
            "SELECT "
                + PostgresAuditSink.COLUMNS
                + " FROM audit_record WHERE stream = ?"
                + " ORDER BY sequence DESC, id DESC LIMIT 1");
    statement.text(stream);
    return statement;
  }

  PreparedStatement prepare(Connection connection) throws SQLException {
    return prepare(connection, "");
  }

  /** {@code EXPLAIN} of the statement: which indexes PostgreSQL would use for it. */
  PreparedStatement explain(Connection connection) throws SQLException {
    return prepare(connection, "EXPLAIN ");
  }

  private PreparedStatement prepare(Connection connection, String prefix) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(prefix + sql);
    try {
      for (int index = 0; index < parameters.size(); index++) {
        parameters.get(index).bind(connection, statement, index + 1);
      }
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  private void filter(AuditQuery query) {
    if (query.from() != null) {
      sql.append(" AND recorded_at >= ?");
      time(query.from());
    }
    if (query.to() != null) {
      sql.append(" AND recorded_at < ?");
      time(query.to());
    }
    equal("kind", query.kind() == null ? null : query.kind().name());
    equal("endpoint", query.endpoint());
    equal("version", query.version());
    equal("actor", query.actor());
    equal("action", query.action());
    if (query.action() != null && !query.action().equals(AuditRecord.INFER)) {
      // The predicate of the partial index on action (V10), implied by the equality above
      sql.append(" AND action <> '").append(AuditRecord.INFER).append('\'');
    }
    equal("outcome", query.outcome() == null ? null : query.outcome().name());
    equal("request_id", query.requestId());
    if (query.businessKeyTerm() != null) {
      contains("business_keys", List.of(query.businessKeyTerm()));
      sql.append(" AND cardinality(business_keys) > 0"); // the partial GIN index's predicate
    }
    List<String> words = SearchTerms.ofText(query.text());
    if (!words.isEmpty()) {
      contains("search_terms", words);
    }
  }

  private void equal(String column, String value) {
    if (value != null) {
      sql.append(" AND ").append(column).append(" = ?");
      text(value);
    }
  }

  private void contains(String column, List<String> values) {
    sql.append(" AND ").append(column).append(" @> ?");
    parameters.add(
        (connection, prepared, index) ->
            prepared.setArray(index, PostgresAuditSink.textArray(connection, values)));
  }

  private void text(String value) {
    parameters.add((connection, prepared, index) -> prepared.setString(index, value));
  }

  private void time(Instant value) {
    OffsetDateTime time = OffsetDateTime.ofInstant(value, ZoneOffset.UTC);
    parameters.add((connection, prepared, index) -> prepared.setObject(index, time));
  }

  /** Where the page after {@code last} starts. */
  static String cursor(AuditRecord last) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, last.time());
    String position = micros + ":" + last.id();
    return CURSOR_PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(position.getBytes(StandardCharsets.UTF_8));
  }

  private record Position(Instant time, String id) {}

  private static Position decode(String cursor) {
    try {
      if (!cursor.startsWith(CURSOR_PREFIX)) {
        throw new IllegalArgumentException("not a PostgreSQL audit cursor");
      }
      String position =
          new String(
              Base64.getUrlDecoder().decode(cursor.substring(CURSOR_PREFIX.length())),
              StandardCharsets.UTF_8);
      int colon = position.indexOf(':');
      long micros = Long.parseLong(position.substring(0, colon));
      return new Position(
          Instant.EPOCH.plus(micros, ChronoUnit.MICROS), position.substring(colon + 1));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid audit cursor: " + cursor, e);
    }
  }
}
