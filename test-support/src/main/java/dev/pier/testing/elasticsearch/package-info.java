/**
 * A real Elasticsearch node for integration tests ({@link
 * dev.pier.testing.elasticsearch.ElasticsearchNode}), shared by the audit module's sink tests and
 * the control plane's wiring tests; each module's build unpacks the distribution and names it in
 * {@code pier.elasticsearch.home}.
 */
package dev.pier.testing.elasticsearch;
