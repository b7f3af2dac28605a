package dev.pier.audit.elasticsearch;

import co.elastic.clients.elasticsearch._types.mapping.DynamicMapping;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.elasticsearch.indices.PutIndexTemplateRequest;
import java.util.List;

/**
 * The index template every audit index is created from: strict, explicit mappings in the field
 * names of {@code AuditRecordJson}, plus the sink's two search fields.
 *
 * <ul>
 *   <li>ids and names: {@code keyword} (exact, sortable); values over {@value #KEYWORD_LIMIT}
 *       characters are kept in the source but not indexed, because Lucene refuses longer terms;
 *   <li>{@code time}: {@code date_nanos} (the records' microseconds survive; a {@code date} would
 *       cut them to milliseconds for range queries); {@code sequence}, {@code latency_nanos}:
 *       {@code long};
 *   <li>payloads, hashes and signatures: stored only ({@code index: false}); free text searches
 *       {@code search_text}, a {@code text} field of {@code SearchTerms}' words;
 *   <li>{@code business_keys}: stored, not mapped; {@code business_key_terms}: {@code name=value}
 *       keywords.
 * </ul>
 */
final class AuditIndexTemplate {
  static final int KEYWORD_LIMIT = 8_191;
  static final String SEARCH_TEXT = "search_text";
  static final String BUSINESS_KEY_TERMS = "business_key_terms";

  private static final List<String> KEYWORDS =
      List.of(
          "id",
          "stream",
          "kind",
          "actor",
          "action",
          "target",
          "version",
          "endpoint",
          "request_id",
          "trace_id",
          "source_address",
          "outcome",
          BUSINESS_KEY_TERMS);
  private static final List<String> STORED_ONLY =
      List.of(
          "before", "after", "inputs", "outputs", "error", "previous_hash", "hash", "signature");

  private AuditIndexTemplate() {}

  static PutIndexTemplateRequest request(ElasticsearchSinkSettings settings) {
    return PutIndexTemplateRequest.of(
        template ->
            template
                .name(settings.indexPrefix())
                .indexPatterns(settings.pattern())
                .template(
                    body ->
                        body.settings(
                                index ->
                                    index
                                        .numberOfShards(Integer.toString(settings.shards()))
                                        .numberOfReplicas(Integer.toString(settings.replicas())))
                            .mappings(mappings())));
  }

  static TypeMapping mappings() {
    TypeMapping.Builder mapping = new TypeMapping.Builder().dynamic(DynamicMapping.Strict);
    for (String field : KEYWORDS) {
      mapping.properties(field, Property.of(p -> p.keyword(k -> k.ignoreAbove(KEYWORD_LIMIT))));
    }
    for (String field : STORED_ONLY) {
      mapping.properties(field, Property.of(p -> p.keyword(k -> k.index(false).docValues(false))));
    }
    mapping.properties("sequence", Property.of(p -> p.long_(l -> l)));
    mapping.properties("time", Property.of(p -> p.dateNanos(d -> d)));
    mapping.properties("status", Property.of(p -> p.integer(i -> i)));
    mapping.properties("latency_nanos", Property.of(p -> p.long_(l -> l)));
    mapping.properties("canary", Property.of(p -> p.boolean_(b -> b)));
    mapping.properties("shadow", Property.of(p -> p.boolean_(b -> b)));
    mapping.properties("fallback", Property.of(p -> p.boolean_(b -> b)));
    mapping.properties("instance_index", Property.of(p -> p.integer(i -> i)));
    mapping.properties("instance_count", Property.of(p -> p.integer(i -> i)));
    mapping.properties("business_keys", Property.of(p -> p.object(o -> o.enabled(false))));
    mapping.properties(SEARCH_TEXT, Property.of(p -> p.text(t -> t.analyzer("standard"))));
    return mapping.build();
  }
}
