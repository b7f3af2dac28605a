/**
 * The Elasticsearch 8 sink for production: {@link
 * dev.pier.audit.elasticsearch.ElasticsearchAuditSink} installs an index template with explicit,
 * strict mappings, writes one index per {@link dev.pier.audit.elasticsearch.IndexPeriod} through
 * the official Java client's bulk API ({@code create} with the record id as {@code _id}), pages
 * queries with {@code search_after} over a point in time, and applies retention by deleting whole
 * indices. It needs nothing beyond a plain node: no ingest pipelines, ILM, scripts or
 * delete-by-query.
 */
package dev.pier.audit.elasticsearch;
