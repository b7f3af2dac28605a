package dev.pier.audit.postgres;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditSink;
import dev.pier.audit.AuditSinkContract;
import dev.pier.audit.AuditSinkException;
import dev.pier.audit.testing.TestRecords;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The sink contract, and PostgreSQL's own behaviour, against a real PostgreSQL 17. */
class PostgresAuditSinkIT extends AuditSinkContract {
  private static EmbeddedPostgres postgres;
  private static DataSource dataSource;
  private static PostgresAuditSink sink;

  @BeforeAll
  static void startPostgres() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
    dataSource = postgres.getPostgresDatabase();
    // The schema exactly as the control plane gets it: db-migrations applied by Flyway.
    Flyway.configure().dataSource(dataSource).load().migrate();
    sink = new PostgresAuditSink(dataSource);
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void emptyTable() throws SQLException {
    execute("TRUNCATE audit_record");
  }

  @Override
  protected AuditSink sink() {
    return sink;
  }

  @Override
  protected void alterStored(AuditRecord altered) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE audit_record SET outputs = ?, previous_hash = ?, hash = ?, signature = ?"
                    + " WHERE id = ?")) {
      update.setString(1, altered.outputs());
      update.setString(2, altered.previousHash());
      update.setString(3, altered.hash());
      update.setString(4, altered.signature());
      update.setString(5, altered.id());
      assertThat(update.executeUpdate()).isEqualTo(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  protected void deleteStored(AuditRecord record) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM audit_record WHERE id = ?")) {
      delete.setString(1, record.id());
      assertThat(delete.executeUpdate()).isEqualTo(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  @Test
  void aValuePostgresqlRefusesRejectsThatRecordOnly() {
    List<AuditRecord> records =
        TestRecords.sealed(
            "refused",
            3,
            index ->
                index == 1
                    ? TestRecords.inference(T0, "nul", "iris").withError("a NUL \u0000 in text")
                    : TestRecords.inference(T0.plusSeconds(index), "ok-" + index, "iris"));

    AuditSink.WriteResult result = sink.write(records);

    assertThat(result.rejected())
        .singleElement()
        .satisfies(rejected -> assertThat(rejected.record()).isEqualTo(records.get(1)));
    assertThat(sink.readChain("refused", 0, null, 10))
        .containsExactly(records.get(0), records.get(2));
  }

  /**
   * What the copy's text format escapes (and PostgreSQL's array syntax quotes) comes back as is.
   */
  @Test
  void valuesWithTheCopyFormatsSpecialCharactersComeBackAsWritten() throws SQLException {
    String awkward =
        "tab\there, new\nline\r\n, \\N, back\\slash, \"quoted\", {braces}, \u00e9\ud83d\ude00";
    List<AuditRecord> records =
        TestRecords.sealed(
            "awkward",
            2,
            index ->
                TestRecords.inference(T0.plusSeconds(index), awkward + index, "iris")
                    .withError(awkward)
                    .withPayload(
                        "[\t{\"data\":[\"tab\\there \\\\N back\\\\slash \\\"q\\\"\"]}\r\n]", null)
                    .withBusinessKeys(Map.of("note", awkward, "empty", "")));

    try (Connection connection = dataSource.getConnection()) {
      assertThat(PostgresAuditSink.copy(connection, records))
          .as("copied, not refused and written again by INSERT")
          .isTrue();
      assertThat(PostgresAuditSink.copy(connection, records))
          .as("records already stored refuse the copy; write() then inserts what is missing")
          .isFalse();
    }
    assertThat(sink.write(records).rejected()).isEmpty();

    assertThat(sink.readChain("awkward", 0, null, 10)).containsExactlyElementsOf(records);
    assertThat(sink.query(AuditQuery.all().withBusinessKey("note", awkward)).records())
        .containsExactlyInAnyOrderElementsOf(records);
    assertThat(sink.query(AuditQuery.all().withText("braces")).records()).hasSize(2);
  }

  @Test
  void aBatchOfManyChunksIsCopiedWhole() throws SQLException {
    List<AuditRecord> records = largeRecords("chunks", 12);
    assertThat(records.stream().mapToInt(record -> record.inputs().length()).sum())
        .isGreaterThan(3 * CopyRows.CHUNK_CHARS);

    try (Connection connection = dataSource.getConnection()) {
      assertThat(PostgresAuditSink.copy(connection, records)).isTrue();
    }

    assertThat(sink.readChain("chunks", 0, null, 100)).containsExactlyElementsOf(records);
  }

  /** Records with a tensor of 20,000 numbers, about 100 KB of JSON each. */
  private static List<AuditRecord> largeRecords(String stream, int count) {
    String tensor = "[{\"name\":\"x\",\"data\":[" + "0.25,".repeat(20_000) + "1]}]";
    return TestRecords.sealed(
        stream,
        count,
        index ->
            TestRecords.inference(T0.plusSeconds(index), stream + "-" + index, "iris")
                .withPayload(tensor, "[{\"name\":\"y\",\"data\":[" + index + "]}]"));
  }

  /** Compressing large payloads cost the database more than storing them (V11). */
  @Test
  void largePayloadsAreStoredUncompressed() throws SQLException {
    assertThat(sink.write(largeRecords("large", 2)).rejected()).isEmpty();

    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT pg_column_compression(inputs), length(inputs) FROM audit_record"
                    + " WHERE stream = 'large'")) {
      int rows = 0;
      while (result.next()) {
        rows++;
        assertThat(result.getString(1)).as("compression of the inputs").isNull();
        assertThat(result.getInt(2)).isGreaterThan(8192);
      }
      assertThat(rows).isEqualTo(2);
    }
  }

  @Test
  void anUnreachableDatabaseFailsTheWholeBatch() {
    PGSimpleDataSource nowhere = new PGSimpleDataSource();
    nowhere.setURL("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1");
    PostgresAuditSink unreachable = new PostgresAuditSink(nowhere);

    assertThatThrownBy(
            () ->
                unreachable.write(
                    TestRecords.sealed("x", 1, index -> TestRecords.inference(T0, "x", "iris"))))
        .isInstanceOf(AuditSinkException.class);
    assertThatThrownBy(() -> unreachable.query(AuditQuery.all()))
        .isInstanceOf(AuditSinkException.class);
  }

  @Test
  void retentionDeletesOlderRecords() {
    List<AuditRecord> records =
        TestRecords.sealed(
            "old",
            10,
            index -> TestRecords.inference(T0.plus(Duration.ofDays(index)), "o-" + index, "iris"));
    sink.write(records);

    assertThat(sink.deleteOlderThan(T0.plus(Duration.ofDays(6)))).isEqualTo(6);

    assertThat(sink.count(AuditQuery.all())).isEqualTo(4);
    assertThat(sink.readChain("old", 0, null, 100))
        .containsExactlyElementsOf(records.subList(6, 10));
  }

  /**
   * Inference records leave the action and business-key indexes out (V10); the queries carry their
   * predicates, so those indexes still serve them.
   */
  @Test
  void partialIndexesServeTheQueriesTheyCover() throws SQLException {
    assertThat(plan(AuditQuery.all().withAction("endpoint.update")))
        .contains("audit_record_action");
    assertThat(plan(AuditQuery.all().withBusinessKey("customer", "C1")))
        .contains("audit_record_business_keys");
  }

  private static String plan(AuditQuery query) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      try (Statement settings = connection.createStatement()) {
        // an empty table is read whole however it is indexed; this asks whether an index applies
        settings.execute("SET enable_seqscan = off");
      }
      try (PreparedStatement explain = PostgresQuery.page(query).explain(connection);
          ResultSet rows = explain.executeQuery()) {
        StringBuilder plan = new StringBuilder();
        while (rows.next()) {
          plan.append(rows.getString(1)).append('\n');
        }
        return plan.toString();
      }
    }
  }

  @Test
  void theMigrationIndexesEveryQueriedField() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'audit_record' ORDER BY indexname")) {
      List<String> indexes = new ArrayList<>();
      while (result.next()) {
        indexes.add(result.getString(1));
      }
      assertThat(indexes)
          .contains(
              "audit_record_pkey",
              "audit_record_chain",
              "audit_record_time",
              "audit_record_endpoint",
              "audit_record_actor",
              "audit_record_action",
              "audit_record_request",
              "audit_record_business_keys",
              "audit_record_search_terms");
    }
  }
}
