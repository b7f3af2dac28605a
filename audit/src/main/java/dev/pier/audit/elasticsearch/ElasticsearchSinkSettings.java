package dev.pier.audit.elasticsearch;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Elasticsearch sink lays out its indices.
 *
 * @param indexPrefix indices are named {@code <prefix>-<period>}; the template matches {@code
 *     <prefix>-*}
 * @param replicas replicas per index (0 on a single node)
 * @param pointInTimeKeepAlive how long a paged query's point in time lives between two pages
 */
public record ElasticsearchSinkSettings(
    String indexPrefix,
    IndexPeriod period,
    int shards,
    int replicas,
    Duration pointInTimeKeepAlive) {

  public ElasticsearchSinkSettings {
    Objects.requireNonNull(indexPrefix, "indexPrefix");
    if (!indexPrefix.matches("[a-z0-9][a-z0-9_.-]{0,200}")) {
      throw new IllegalArgumentException(
          "an index prefix is lower-case letters, digits, '_', '.' and '-': " + indexPrefix);
    }
    Objects.requireNonNull(period, "period");
    if (shards < 1 || replicas < 0) {
      throw new IllegalArgumentException(
          "shards >= 1 and replicas >= 0: " + shards + ", " + replicas);
    }
    if (pointInTimeKeepAlive.isNegative() || pointInTimeKeepAlive.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "point-in-time keep-alive of at least 1s: " + pointInTimeKeepAlive);
    }
  }

  /** {@code pier-audit-yyyy.MM.dd}, one shard, one replica, points in time kept 5 minutes. */
  public static ElasticsearchSinkSettings defaults() {
    return new ElasticsearchSinkSettings(
        "pier-audit", IndexPeriod.DAY, 1, 1, Duration.ofMinutes(5));
  }

  public ElasticsearchSinkSettings withIndexPrefix(String prefix) {
    return new ElasticsearchSinkSettings(prefix, period, shards, replicas, pointInTimeKeepAlive);
  }

  public ElasticsearchSinkSettings withPeriod(IndexPeriod newPeriod) {
    return new ElasticsearchSinkSettings(
        indexPrefix, newPeriod, shards, replicas, pointInTimeKeepAlive);
  }

  public ElasticsearchSinkSettings withReplicas(int newReplicas) {
    return new ElasticsearchSinkSettings(
        indexPrefix, period, shards, newReplicas, pointInTimeKeepAlive);
  }

  /** The wildcard that names every audit index. */
  String pattern() {
    return indexPrefix + "-*";
  }
}
