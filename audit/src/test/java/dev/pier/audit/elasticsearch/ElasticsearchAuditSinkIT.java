package dev.pier.audit.elasticsearch;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.mapping.DynamicMapping;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.json.jackson.Jackson3JsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditRecordJson;
import dev.pier.audit.AuditSink;
import dev.pier.audit.AuditSinkContract;
import dev.pier.audit.AuditSinkException;
import dev.pier.audit.chain.ChainVerifier;
import dev.pier.audit.testing.TestRecords;
import dev.pier.testing.elasticsearch.ElasticsearchNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink contract, and Elasticsearch's own behaviour, against a real Elasticsearch 8.19 node. */
class ElasticsearchAuditSinkIT extends AuditSinkContract {
  @RegisterExtension static final ElasticsearchNode ELASTICSEARCH = new ElasticsearchNode();

  private static RestClientTransport transport;
  private static ElasticsearchClient client;
  private static int tests;

  private ElasticsearchSinkSettings settings;
  private ElasticsearchAuditSink sink;

  @BeforeAll
  static void connect() {
    RestClient restClient =
        RestClient.builder(HttpHost.create(ELASTICSEARCH.url().toString())).build();
    transport =
        new RestClientTransport(restClient, new Jackson3JsonpMapper(AuditRecordJson.mapper()));
    client = new ElasticsearchClient(transport);
  }

  @AfterAll
  static void disconnect() throws IOException {
    transport.close();
  }

  @BeforeEach
  void freshIndices() {
    // Each test writes its own indices: nothing to clean, nothing shared.
    settings =
        ElasticsearchSinkSettings.defaults()
            .withIndexPrefix("audit-test-" + ++tests)
            .withReplicas(0);
    sink = new ElasticsearchAuditSink(client, settings);
  }

  @Override
  protected AuditSink sink() {
    return sink;
  }

  @Override
  protected void awaitVisible() {
    sink.refresh();
  }

  @Override
  protected void alterStored(AuditRecord altered) {
    try {
      client.index(
          index ->
              index
                  .index(sink.indexFor(altered.time()))
                  .id(altered.id())
                  .document(
                      BinaryData.of(AuditRecordJson.toBytes(altered), ContentType.APPLICATION_JSON))
                  .refresh(Refresh.True));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  protected void deleteStored(AuditRecord record) {
    try {
      assertThat(
              client
                  .delete(
                      delete ->
                          delete
                              .index(sink.indexFor(record.time()))
                              .id(record.id())
                              .refresh(Refresh.True))
                  .result()
                  .jsonValue())
          .isEqualTo("deleted");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void recordsGoToOneIndexPerDayMadeFromTheTemplate() throws IOException {
    List<AuditRecord> records =
        TestRecords.sealed(
            "daily",
            3,
            index -> TestRecords.inference(T0.plus(Duration.ofDays(index)), "d-" + index, "iris"));
    sink.write(records);

    String prefix = settings.indexPrefix();
    assertThat(client.indices().get(get -> get.index(prefix + "-*")).result().keySet())
        .containsExactlyInAnyOrder(
            prefix + "-2026.11.20", prefix + "-2026.11.21", prefix + "-2026.11.22");
    TypeMapping mapping =
        client
            .indices()
            .getMapping(get -> get.index(prefix + "-2026.11.21"))
            .result()
            .get(prefix + "-2026.11.21")
            .mappings();
    assertThat(mapping.dynamic()).isEqualTo(DynamicMapping.Strict);
    assertThat(mapping.properties().get("time").isDateNanos()).isTrue();
    assertThat(mapping.properties().get("sequence").isLong()).isTrue();
    assertThat(mapping.properties().get("endpoint").isKeyword()).isTrue();
    assertThat(mapping.properties().get("search_text").isText()).isTrue();
    Property inputs = mapping.properties().get("inputs");
    assertThat(inputs.keyword().index()).isFalse();
    assertThat(
            client
                .get(get -> get.index(prefix + "-2026.11.21").id(records.get(1).id()), Void.class)
                .found())
        .as("the record id is the document id")
        .isTrue();
  }

  @Test
  void monthlyIndicesAreNamedByMonth() {
    ElasticsearchAuditSink monthly =
        new ElasticsearchAuditSink(client, settings.withPeriod(IndexPeriod.MONTH));

    assertThat(monthly.indexFor(Instant.parse("2026-12-02T23:59:59Z")))
        .isEqualTo(settings.indexPrefix() + "-2026.12");
    assertThat(sink.indexFor(Instant.parse("2026-12-02T23:59:59Z")))
        .isEqualTo(settings.indexPrefix() + "-2026.12.02");
  }

  @Test
  void retentionDeletesWholeIndicesOlderThanTheKeptPeriods() {
    List<AuditRecord> records =
        TestRecords.sealed(
            "retained",
            10,
            index ->
                TestRecords.inference(
                    T0.plus(Duration.ofHours(12L * index)), "k-" + index, "iris"));
    sink.write(records);
    sink.refresh();

    List<String> deleted = sink.deleteExpiredIndices(2, T0.plus(Duration.ofDays(4)));

    String prefix = settings.indexPrefix();
    assertThat(deleted)
        .containsExactly(prefix + "-2026.11.20", prefix + "-2026.11.21", prefix + "-2026.11.22");
    assertThat(sink.count(AuditQuery.all())).isEqualTo(4);
    assertThat(new ChainVerifier(sink, Optional.empty()).verifyFrom("retained", 7).intact())
        .isTrue();
    assertThat(sink.deleteExpiredIndices(2, T0.plus(Duration.ofDays(4)))).isEmpty();
  }

  @Test
  void aDocumentElasticsearchRefusesIsRejectedAlone() {
    // date_nanos cannot hold a time before 1970.
    List<AuditRecord> records =
        TestRecords.sealed(
            "refused",
            3,
            index ->
                TestRecords.inference(
                    index == 1 ? Instant.parse("1969-07-20T20:17:40Z") : T0.plusSeconds(index),
                    "x-" + index,
                    "iris"));

    AuditSink.WriteResult result = sink.write(records);

    assertThat(result.rejected())
        .singleElement()
        .satisfies(rejected -> assertThat(rejected.record()).isEqualTo(records.get(1)));
    sink.refresh();
    assertThat(sink.readChain("refused", 0, null, 10))
        .containsExactly(records.get(0), records.get(2));
  }

  @Test
  void anUnreachableNodeFailsTheWholeBatch() throws IOException {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (ElasticsearchAuditSink unreachable =
        ElasticsearchAuditSink.connect(
            URI.create("http://127.0.0.1:" + closedPort), settings, Duration.ofSeconds(2))) {
      List<AuditRecord> records =
          TestRecords.sealed("x", 1, index -> TestRecords.inference(T0, "x", "iris"));

      assertThatThrownBy(() -> unreachable.write(records)).isInstanceOf(AuditSinkException.class);
      assertThatThrownBy(() -> unreachable.last("x")).isInstanceOf(AuditSinkException.class);
    }
  }
}
