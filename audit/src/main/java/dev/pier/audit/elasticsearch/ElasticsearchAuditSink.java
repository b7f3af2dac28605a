package dev.pier.audit.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.Time;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.Jackson3JsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import dev.pier.audit.AuditPage;
import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditRecordJson;
import dev.pier.audit.AuditSink;
import dev.pier.audit.AuditSinkException;
import dev.pier.audit.SearchTerms;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;

/**
 * Stores audit records in Elasticsearch 8, one index per period ({@code pier-audit-2026.12.02}).
 *
 * <p>Writes are bulk {@code create} requests with the record id as {@code _id}; a record is indexed
 * by its own time, so a record written again always meets itself and the 409 conflict counts as
 * stored. Items refused with a client error (e.g. 400) are returned as rejected; 429 and server
 * errors fail the batch (it will be written again). The index template is installed before the
 * first write and again after any failure, so a node that lost its data gets it back before an
 * index is created without it.
 *
 * <p>Elasticsearch is near-real-time: a written record becomes searchable within the index's
 * refresh interval (1s by default). {@link #last} refreshes first, so it is always exact; {@link
 * #refresh} makes everything written so far searchable.
 *
 * <p>Queries page with {@code search_after} over a point in time: a query's pages all read one
 * snapshot, so a long export never sees a record twice or misses one. The point in time is closed
 * with the last page and otherwise expires after {@link
 * ElasticsearchSinkSettings#pointInTimeKeepAlive()}.
 */
public final class ElasticsearchAuditSink implements AuditSink {
  private static final int MAX_STREAMS = 10_000;

  private final ElasticsearchClient client;
  private final ElasticsearchSinkSettings settings;
  private final ElasticsearchTransport ownedTransport;
  private volatile boolean templateInstalled;

  /** A sink over a client the caller owns (and closes). */
  public ElasticsearchAuditSink(ElasticsearchClient client, ElasticsearchSinkSettings settings) {
    this(client, settings, null);
  }

  private ElasticsearchAuditSink(
      ElasticsearchClient client,
      ElasticsearchSinkSettings settings,
      ElasticsearchTransport ownedTransport) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ownedTransport = ownedTransport;
  }

  /**
   * A sink with its own client to {@code url} (e.g. {@code http://127.0.0.1:9200}), closed with the
   * sink.
   *
   * @param requestTimeout how long one request may take, connecting included
   */
  public static ElasticsearchAuditSink connect(
      URI url, ElasticsearchSinkSettings settings, Duration requestTimeout) {
    int timeout = Math.toIntExact(requestTimeout.toMillis());
    RestClient restClient =
        RestClient.builder(HttpHost.create(url.toString()))
            .setRequestConfigCallback(
                config ->
                    config
                        .setConnectTimeout(Math.min(timeout, 5_000))
                        .setConnectionRequestTimeout(timeout)
                        .setSocketTimeout(timeout))
            .build();
    ElasticsearchTransport transport =
        new RestClientTransport(restClient, new Jackson3JsonpMapper(AuditRecordJson.mapper()));
    return new ElasticsearchAuditSink(new ElasticsearchClient(transport), settings, transport);
  }

  /** The name of the index a record belongs to. */
  public String indexFor(Instant time) {
    return settings.indexPrefix() + "-" + settings.period().suffix(time);
  }

  @Override
  public WriteResult write(List<AuditRecord> records) {
    if (records.isEmpty()) {
      return WriteResult.ALL_STORED;
    }
    try {
      ensureTemplate();
      BulkRequest.Builder bulk = new BulkRequest.Builder();
      for (AuditRecord record : records) {
        BinaryData document = BinaryData.of(document(record), ContentType.APPLICATION_JSON);
        String index = indexFor(record.time());
        bulk.operations(
            operation ->
                operation.create(create -> create.index(index).id(record.id()).document(document)));
      }
      BulkResponse response = client.bulk(bulk.build());
      return outcome(records, response);
    } catch (IOException | ElasticsearchException | AuditSinkException e) {
      templateInstalled = false;
      throw e instanceof AuditSinkException sinkFailure
          ? sinkFailure
          : new AuditSinkException(
              "Elasticsearch did not store the audit batch: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // The low-level client reports a refused connection or a timeout as an unchecked exception.
      templateInstalled = false;
      throw new AuditSinkException("Elasticsearch did not store the audit batch: " + e, e);
    }
  }

  private static WriteResult outcome(List<AuditRecord> records, BulkResponse response) {
    if (!response.errors()) {
      return WriteResult.ALL_STORED;
    }
    List<Rejected> rejected = new ArrayList<>();
    List<BulkResponseItem> items = response.items();
    for (int index = 0; index < items.size(); index++) {
      BulkResponseItem item = items.get(index);
      int status = item.status();
      if (status < 300 || status == 409) {
        continue;
      }
      String reason = item.error() == null ? "status " + status : item.error().reason();
      if (status == 429 || status >= 500) {
        throw new AuditSinkException(
            "Elasticsearch could not store audit record " + item.id() + " now: " + reason);
      }
      rejected.add(new Rejected(records.get(index), status + " " + reason));
    }
    return new WriteResult(rejected);
  }

  /** The record's JSON plus the sink's search fields. */
  private static byte[] document(AuditRecord record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (JsonGenerator generator = AuditRecordJson.mapper().createGenerator(bytes)) {
      generator.writeStartObject();
      AuditRecordJson.writeFields(generator, record);
      generator.writeStringProperty(
          AuditIndexTemplate.SEARCH_TEXT, String.join(" ", SearchTerms.of(record)));
      List<String> keys = SearchTerms.businessKeyTerms(record);
      if (!keys.isEmpty()) {
        generator.writeName(AuditIndexTemplate.BUSINESS_KEY_TERMS);
        generator.writeStartArray();
        for (String key : keys) {
          generator.writeString(key);
        }
        generator.writeEndArray();
      }
      generator.writeEndObject();
    }
    return bytes.toByteArray();
  }

  private void ensureTemplate() throws IOException {
    if (!templateInstalled) {
      client.indices().putIndexTemplate(AuditIndexTemplate.request(settings));
      templateInstalled = true;
    }
  }

  @Override
  public AuditPage query(AuditQuery query) {
    try {
      ElasticsearchCursor cursor =
          query.cursor() == null ? null : ElasticsearchCursor.decode(query.cursor());
      String pointInTime = cursor == null ? openPointInTime() : cursor.pointInTime();
      SortOrder order =
          query.order() == AuditQuery.Order.NEWEST_FIRST ? SortOrder.Desc : SortOrder.Asc;
      SearchRequest.Builder search =
          new SearchRequest.Builder()
              .pit(pit -> pit.id(pointInTime).keepAlive(keepAlive()))
              .query(filter(query))
              .sort(sort -> sort.field(field -> field.field("time").order(order)))
              .sort(sort -> sort.field(field -> field.field("id").order(order)))
              .size(query.pageSize() + 1)
              .trackTotalHits(track -> track.enabled(false));
      if (cursor != null) {
        search.searchAfter(cursor.after());
      }
      SearchResponse<JsonNode> response = client.search(search.build(), JsonNode.class);
      String nextPointInTime = response.pitId() == null ? pointInTime : response.pitId();
      List<Hit<JsonNode>> hits = response.hits().hits();
      List<AuditRecord> records = new ArrayList<>(Math.min(hits.size(), query.pageSize()));
      for (int index = 0; index < hits.size() && index < query.pageSize(); index++) {
        records.add(record(hits.get(index).source()));
      }
      if (hits.size() <= query.pageSize()) {
        closePointInTime(nextPointInTime);
        return AuditPage.last(records);
      }
      List<FieldValue> after = hits.get(query.pageSize() - 1).sort();
      return new AuditPage(
          records, Optional.of(new ElasticsearchCursor(nextPointInTime, after).encode()));
    } catch (IOException | ElasticsearchException e) {
      throw new AuditSinkException(
          "Elasticsearch did not answer the audit query: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new AuditSinkException("Elasticsearch did not answer the audit query: " + e, e);
    }
  }

  @Override
  public long count(AuditQuery query) {
    try {
      return client
          .count(count -> count.index(settings.pattern()).allowNoIndices(true).query(filter(query)))
          .count();
    } catch (IOException | RuntimeException e) {
      throw new AuditSinkException("Elasticsearch did not count audit records: " + e, e);
    }
  }

  @Override
  public List<AuditRecord> readChain(String stream, long afterSequence, String afterId, int limit) {
    Query inStream = Query.of(q -> q.term(t -> t.field("stream").value(stream)));
    Query afterPosition =
        Query.of(
            q ->
                q.range(
                    range ->
                        range.number(
                            number -> {
                              number.field("sequence");
                              return afterId == null
                                  ? number.gt((double) afterSequence)
                                  : number.gte((double) afterSequence);
                            })));
    SearchRequest.Builder search =
        new SearchRequest.Builder()
            .index(settings.pattern())
            .allowNoIndices(true)
            .query(q -> q.bool(bool -> bool.filter(inStream, afterPosition)))
            .sort(sort -> sort.field(field -> field.field("sequence").order(SortOrder.Asc)))
            .sort(sort -> sort.field(field -> field.field("id").order(SortOrder.Asc)))
            .size(limit)
            .trackTotalHits(track -> track.enabled(false));
    if (afterId != null) {
      search.searchAfter(FieldValue.of(afterSequence), FieldValue.of(afterId));
    }
    return search(search.build(), "read the audit chain");
  }

  @Override
  public Optional<AuditRecord> last(String stream) {
    refresh();
    List<AuditRecord> last =
        search(
            new SearchRequest.Builder()
                .index(settings.pattern())
                .allowNoIndices(true)
                .query(q -> q.term(t -> t.field("stream").value(stream)))
                .sort(sort -> sort.field(field -> field.field("sequence").order(SortOrder.Desc)))
                .sort(sort -> sort.field(field -> field.field("id").order(SortOrder.Desc)))
                .size(1)
                .build(),
            "find the last audit record");
    return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0));
  }

  @Override
  public List<String> streams() {
    try {
      SearchResponse<Void> response =
          client.search(
              search ->
                  search
                      .index(settings.pattern())
                      .allowNoIndices(true)
                      .size(0)
                      .aggregations(
                          "streams",
                          aggregation ->
                              aggregation.terms(terms -> terms.field("stream").size(MAX_STREAMS))),
              Void.class);
      List<String> streams = new ArrayList<>();
      for (StringTermsBucket bucket :
          response.aggregations().get("streams").sterms().buckets().array()) {
        streams.add(bucket.key().stringValue());
      }
      streams.sort(null);
      return streams;
    } catch (IOException | RuntimeException e) {
      throw new AuditSinkException("Elasticsearch did not list audit streams: " + e, e);
    }
  }

  /** Makes every record written so far searchable. */
  public void refresh() {
    try {
      client.indices().refresh(refresh -> refresh.index(settings.pattern()).allowNoIndices(true));
    } catch (IOException | RuntimeException e) {
      throw new AuditSinkException("Elasticsearch did not refresh the audit indices: " + e, e);
    }
  }

  /**
   * Retention: deletes every audit index whose period ended more than {@code keptPeriods} periods
   * before now — with days and 30 kept, today's index and the 29 before it stay. Returns the names
   * of the indices deleted. Verify the remaining streams with {@code ChainVerifier.verifyFrom}.
   */
  public List<String> deleteExpiredIndices(int keptPeriods, Instant now) {
    if (keptPeriods < 1) {
      throw new IllegalArgumentException("keep at least the current period: " + keptPeriods);
    }
    LocalDate oldestKept = settings.period().minus(settings.period().start(now), keptPeriods - 1L);
    String namePrefix = settings.indexPrefix() + "-";
    try {
      List<String> expired = new ArrayList<>();
      for (String index :
          client
              .indices()
              .get(get -> get.index(settings.pattern()).allowNoIndices(true))
              .result()
              .keySet()) {
        if (!index.startsWith(namePrefix)) {
          continue;
        }
        Optional<LocalDate> start = settings.period().parse(index.substring(namePrefix.length()));
        if (start.isPresent() && start.get().isBefore(oldestKept)) {
          expired.add(index);
        }
      }
      expired.sort(null);
      for (String index : expired) {
        client.indices().delete(delete -> delete.index(index));
      }
      return expired;
    } catch (IOException | RuntimeException e) {
      throw new AuditSinkException("Elasticsearch did not apply retention: " + e, e);
    }
  }

  @Override
  public void close() {
    if (ownedTransport != null) {
      try {
        ownedTransport.close();
      } catch (IOException e) {
        throw new AuditSinkException("closing the Elasticsearch client failed", e);
      }
    }
  }

  private List<AuditRecord> search(SearchRequest request, String what) {
    try {
      SearchResponse<JsonNode> response = client.search(request, JsonNode.class);
      List<AuditRecord> records = new ArrayList<>();
      for (Hit<JsonNode> hit : response.hits().hits()) {
        records.add(record(hit.source()));
      }
      return records;
    } catch (IOException | RuntimeException e) {
      throw new AuditSinkException("Elasticsearch did not " + what + ": " + e, e);
    }
  }

  private static AuditRecord record(JsonNode source) {
    try (JsonParser parser = AuditRecordJson.mapper().treeAsTokens(source)) {
      return AuditRecordJson.read(parser);
    }
  }

  private String openPointInTime() throws IOException {
    return client
        .openPointInTime(open -> open.index(settings.pattern()).keepAlive(keepAlive()))
        .id();
  }

  private void closePointInTime(String pointInTime) {
    try {
      client.closePointInTime(close -> close.id(pointInTime));
    } catch (IOException | RuntimeException e) {
      // It expires on its own after the keep-alive.
    }
  }

  private Time keepAlive() {
    return Time.of(time -> time.time(settings.pointInTimeKeepAlive().toSeconds() + "s"));
  }

  /** The query's criteria as a bool filter (no scoring: results are ordered by time). */
  static Query filter(AuditQuery query) {
    List<Query> filters = new ArrayList<>();
    if (query.from() != null || query.to() != null) {
      filters.add(
          Query.of(
              q ->
                  q.range(
                      range ->
                          range.date(
                              date -> {
                                date.field("time");
                                if (query.from() != null) {
                                  date.gte(query.from().toString());
                                }
                                if (query.to() != null) {
                                  date.lt(query.to().toString());
                                }
                                return date;
                              }))));
    }
    term(filters, "kind", query.kind() == null ? null : query.kind().name());
    term(filters, "endpoint", query.endpoint());
    term(filters, "version", query.version());
    term(filters, "actor", query.actor());
    term(filters, "action", query.action());
    term(filters, "outcome", query.outcome() == null ? null : query.outcome().name());
    term(filters, "request_id", query.requestId());
    term(filters, AuditIndexTemplate.BUSINESS_KEY_TERMS, query.businessKeyTerm());
    List<String> words = SearchTerms.ofText(query.text());
    if (!words.isEmpty()) {
      String text = String.join(" ", words);
      filters.add(
          Query.of(
              q ->
                  q.match(
                      match ->
                          match
                              .field(AuditIndexTemplate.SEARCH_TEXT)
                              .query(text)
                              .operator(Operator.And))));
    }
    return Query.of(q -> q.bool(bool -> bool.filter(filters)));
  }

  private static void term(List<Query> filters, String field, String value) {
    if (value != null) {
      filters.add(Query.of(q -> q.term(t -> t.field(field).value(value))));
    }
  }
}
