package dev.pier.audit.dispatch;

import dev.pier.audit.AuditKind;
import dev.pier.audit.chain.SigningKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How a dispatcher runs. Every value is checked here, so a bad setting fails at start with the
 * setting's name.
 *
 * @param node names this dispatcher's streams ({@code <node>.admin}, {@code <node>.inference});
 *     every process that audits needs its own, stable across restarts
 * @param journalDirectory where the journal, the chain heads and rejected records live; one
 *     dispatcher per directory
 * @param queueCapacity records waiting between {@code submit} and the writer thread
 * @param batchSize records per sink write
 * @param batchDelay how long the writer waits for a batch to fill once it has one record
 * @param sinkTimeout a sink write taking longer counts as failed (the records are journaled)
 * @param retryInitial the first wait before the journal is replayed after a failure; it doubles per
 *     failed attempt up to {@code retryMax}
 * @param journalMaxBytes the journal's disk budget
 * @param journalSegmentBytes the size at which a journal segment is closed and a new one begun;
 *     delivered records free their space a whole segment at a time
 * @param fullDiskPolicy what happens when the budget is full
 * @param submitTimeout how long {@code submit} waits for room in a full queue
 * @param closeTimeout how long {@code close} keeps delivering before it leaves the rest in the
 *     journal for the next start
 * @param signingKey signs every record's hash when present
 */
public record DispatcherSettings(
    String node,
    Path journalDirectory,
    int queueCapacity,
    int batchSize,
    Duration batchDelay,
    Duration sinkTimeout,
    Duration retryInitial,
    Duration retryMax,
    long journalMaxBytes,
    long journalSegmentBytes,
    FullDiskPolicy fullDiskPolicy,
    Duration submitTimeout,
    Duration closeTimeout,
    Optional<SigningKey> signingKey) {

  public DispatcherSettings {
    Objects.requireNonNull(node, "node");
    if (!node.matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")) {
      throw new IllegalArgumentException(
          "node: letters, digits, '_', '.', ':' and '-', at most 128: " + node);
    }
    Objects.requireNonNull(journalDirectory, "journalDirectory");
    positive("queueCapacity", queueCapacity);
    positive("batchSize", batchSize);
    notNegative("batchDelay", batchDelay);
    positive("sinkTimeout", sinkTimeout);
    positive("retryInitial", retryInitial);
    positive("retryMax", retryMax);
    if (retryMax.compareTo(retryInitial) < 0) {
      throw new IllegalArgumentException("retryMax must not be shorter than retryInitial");
    }
    positive("journalMaxBytes", journalMaxBytes);
    positive("journalSegmentBytes", journalSegmentBytes);
    if (journalSegmentBytes > journalMaxBytes) {
      // Space comes back a whole segment at a time.
      throw new IllegalArgumentException(
          "journalSegmentBytes must not exceed journalMaxBytes: " + journalSegmentBytes);
    }
    Objects.requireNonNull(fullDiskPolicy, "fullDiskPolicy");
    notNegative("submitTimeout", submitTimeout);
    notNegative("closeTimeout", closeTimeout);
    Objects.requireNonNull(signingKey, "signingKey");
  }

  /**
   * Queue of 10,000, batches of 500 gathered for up to 10 ms, sink timeout 10 s, replay retries
   * from 250 ms doubling to 30 s, a 1 GiB journal in 64 MiB segments, {@link FullDiskPolicy#BLOCK},
   * submit waits up to 100 ms, close delivers for up to 30 s, no signing.
   */
  public static DispatcherSettings defaults(String node, Path journalDirectory) {
    return new DispatcherSettings(
        node,
        journalDirectory,
        10_000,
        500,
        Duration.ofMillis(10),
        Duration.ofSeconds(10),
        Duration.ofMillis(250),
        Duration.ofSeconds(30),
        1L << 30,
        64L << 20,
        FullDiskPolicy.BLOCK,
        Duration.ofMillis(100),
        Duration.ofSeconds(30),
        Optional.empty());
  }

  /** The stream this dispatcher seals records of a kind into. */
  public String stream(AuditKind kind) {
    return node + "." + kind.name().toLowerCase(Locale.ROOT);
  }

  public DispatcherSettings withQueueCapacity(int capacity) {
    return with(settings -> settings.queueCapacity = capacity);
  }

  public DispatcherSettings withBatchSize(int size) {
    return with(settings -> settings.batchSize = size);
  }

  public DispatcherSettings withSinkTimeout(Duration timeout) {
    return with(settings -> settings.sinkTimeout = timeout);
  }

  public DispatcherSettings withRetry(Duration initial, Duration max) {
    return with(
        settings -> {
          settings.retryInitial = initial;
          settings.retryMax = max;
        });
  }

  public DispatcherSettings withJournalLimits(long maxBytes, long segmentBytes) {
    return with(
        settings -> {
          settings.journalMaxBytes = maxBytes;
          settings.journalSegmentBytes = segmentBytes;
        });
  }

  public DispatcherSettings withFullDiskPolicy(FullDiskPolicy policy) {
    return with(settings -> settings.fullDiskPolicy = policy);
  }

  public DispatcherSettings withSubmitTimeout(Duration timeout) {
    return with(settings -> settings.submitTimeout = timeout);
  }

  public DispatcherSettings withCloseTimeout(Duration timeout) {
    return with(settings -> settings.closeTimeout = timeout);
  }

  public DispatcherSettings withSigningKey(SigningKey key) {
    return with(settings -> settings.signingKey = Optional.of(key));
  }

  private DispatcherSettings with(Consumer<Values> change) {
    Values values = new Values(this);
    change.accept(values);
    return values.toSettings();
  }

  /** The settings, mutable, for the {@code with…} methods. */
  private static final class Values {
    String node;
    Path journalDirectory;
    int queueCapacity;
    int batchSize;
    Duration batchDelay;
    Duration sinkTimeout;
    Duration retryInitial;
    Duration retryMax;
    long journalMaxBytes;
    long journalSegmentBytes;
    FullDiskPolicy fullDiskPolicy;
    Duration submitTimeout;
    Duration closeTimeout;
    Optional<SigningKey> signingKey;

    Values(DispatcherSettings settings) {
      node = settings.node;
      journalDirectory = settings.journalDirectory;
      queueCapacity = settings.queueCapacity;
      batchSize = settings.batchSize;
      batchDelay = settings.batchDelay;
      sinkTimeout = settings.sinkTimeout;
      retryInitial = settings.retryInitial;
      retryMax = settings.retryMax;
      journalMaxBytes = settings.journalMaxBytes;
      journalSegmentBytes = settings.journalSegmentBytes;
      fullDiskPolicy = settings.fullDiskPolicy;
      submitTimeout = settings.submitTimeout;
      closeTimeout = settings.closeTimeout;
      signingKey = settings.signingKey;
    }

    DispatcherSettings toSettings() {
      return new DispatcherSettings(
          node,
          journalDirectory,
          queueCapacity,
          batchSize,
          batchDelay,
          sinkTimeout,
          retryInitial,
          retryMax,
          journalMaxBytes,
          journalSegmentBytes,
          fullDiskPolicy,
          submitTimeout,
          closeTimeout,
          signingKey);
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  private static void notNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }
}
