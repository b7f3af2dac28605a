package dev.pier.controlplane.audit;

import dev.pier.audit.AuditKind;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditSink;
import dev.pier.audit.chain.ChainHead;
import dev.pier.audit.chain.SigningKey;
import dev.pier.audit.dispatch.AuditAlerts;
import dev.pier.audit.dispatch.AuditDispatcher;
import dev.pier.audit.dispatch.AuditMetrics;
import dev.pier.audit.dispatch.DispatcherSettings;
import dev.pier.audit.elasticsearch.ElasticsearchAuditSink;
import dev.pier.audit.elasticsearch.ElasticsearchSinkSettings;
import dev.pier.audit.postgres.PostgresAuditSink;
import dev.pier.controlplane.PierProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The control plane's audit trail: the sink ({@code pier.audit.sink}) and the lossless dispatcher
 * in front of it, built when the context starts and closed when it stops.
 *
 * <p>It starts before the web server and the gateway accept calls (an early lifecycle phase) and
 * stops after they have stopped, so no request is served while records could not be taken. {@link
 * #stop()} delivers what it can within the dispatcher's close timeout and leaves the rest in the
 * journal, which the next start on the same journal directory replays first.
 *
 * <p>The node name, which names the hash-chain streams, is {@code pier.audit.node} or, unset, the
 * one derived at the first start from the host name and HTTP port (a random suffix when the port is
 * 0) and kept in {@code <journal>/node}: restarts on the same home continue the same chains.
 */
@Component
public class AuditTrail implements SmartLifecycle {
  /** Before the web server ({@code DEFAULT_PHASE - 1024}) starts, after it stops. */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

  private final PierProperties.Audit settings;
  private final DataSource dataSource;
  private final Environment environment;
  private final Optional<SigningKey> signingKey;
  private volatile AuditSink sink;
  private volatile AuditDispatcher dispatcher;
  private volatile String node;
  private volatile String inferenceStream;

  AuditTrail(PierProperties properties, DataSource dataSource, Environment environment) {
    this.settings = properties.audit();
    this.dataSource = dataSource;
    this.environment = environment;
    this.signingKey = settings.signingSecret().map(SigningKey::of);
  }

  @Override
  public synchronized void start() {
    if (dispatcher != null) {
      return;
    }
    try {
      Files.createDirectories(settings.journalDirectory());
      node = settings.node() != null ? settings.node() : derivedNode();
      sink = newSink();
      DispatcherSettings dispatch =
          DispatcherSettings.defaults(node, settings.journalDirectory())
              .withQueueCapacity(settings.queueCapacity())
              .withJournalLimits(
                  settings.journalMaxSize().toBytes(), PierProperties.JOURNAL_SEGMENT_BYTES)
              .withFullDiskPolicy(settings.fullDisk());
      if (signingKey.isPresent()) {
        dispatch = dispatch.withSigningKey(signingKey.get());
      }
      inferenceStream = dispatch.stream(AuditKind.INFERENCE);
      dispatcher = AuditDispatcher.start(sink, dispatch, new LoggedAlerts());
      log.info(
          "Audit trail on {} as node {}, journal in {}",
          settings.sink().name().toLowerCase(Locale.ROOT),
          node,
          settings.journalDirectory());
    } catch (IOException e) {
      closeSink();
      throw new UncheckedIOException(
          "the audit journal in " + settings.journalDirectory() + " cannot be opened", e);
    }
  }

  private AuditSink newSink() {
    return switch (settings.sink()) {
      case POSTGRESQL -> new PostgresAuditSink(dataSource);
      case ELASTICSEARCH -> {
        PierProperties.AuditElasticsearch elasticsearch = settings.elasticsearch();
        yield ElasticsearchAuditSink.connect(
            elasticsearch.url(),
            ElasticsearchSinkSettings.defaults()
                .withIndexPrefix(elasticsearch.indexPrefix())
                .withPeriod(elasticsearch.period())
                .withReplicas(elasticsearch.replicas()),
            elasticsearch.requestTimeout());
      }
    };
  }

  /** The node kept in the journal directory, or a new one derived from the host and port. */
  private String derivedNode() throws IOException {
    Path file = settings.journalDirectory().resolve("node");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "pier";
    }
    host = host.replaceAll("[^A-Za-z0-9_.-]", "-");
    if (host.isEmpty() || !Character.isLetterOrDigit(host.charAt(0))) {
      host = "pier" + host;
    }
    int port = environment.getProperty("server.port", Integer.class, 8080);
    String derived =
        host
            + "-"
            + (port > 0 ? Integer.toString(port) : UUID.randomUUID().toString().substring(0, 8));
    derived = derived.length() > 128 ? derived.substring(0, 128) : derived;
    Files.writeString(file, derived + "\n", StandardCharsets.UTF_8);
    return derived;
  }

  /**
   * Queues a record; see {@link AuditDispatcher#submit}.
   *
   * @throws dev.pier.audit.dispatch.AuditRejectedException when the trail cannot take it in time
   * @throws IllegalStateException when the trail is not running
   */
  public void submit(AuditRecord record) {
    AuditDispatcher running = dispatcher;
    if (running == null) {
      throw new IllegalStateException("the audit trail is not running");
    }
    running.submit(record);
  }

  /** Waits until everything submitted so far has reached the sink. */
  public boolean awaitDelivered(Duration timeout) throws InterruptedException {
    AuditDispatcher running = dispatcher;
    return running != null && running.awaitDelivered(timeout);
  }

  /**
   * The id of the last inference record that reached the sink or the journal (recovered at start);
   * {@link InferenceAudit} continues its intake log after it.
   */
  Optional<String> lastStoredInferenceId() {
    AuditDispatcher running = dispatcher;
    return running == null ? Optional.empty() : running.lastStoredId(inferenceStream);
  }

  /** Inference records submitted since the trail started that the dispatcher is done with. */
  long settledInferences() {
    AuditDispatcher running = dispatcher;
    return running == null ? 0 : running.settled(AuditKind.INFERENCE);
  }

  /** Where the journal, and beside it the intake log, are kept. */
  Path journalDirectory() {
    return settings.journalDirectory();
  }

  /** The dispatcher's counters; empty while the trail is not running. */
  public Optional<AuditMetrics> metrics() {
    return Optional.ofNullable(dispatcher).map(AuditDispatcher::metrics);
  }

  /** The head of each of this node's streams, as sealed (delivered or not). */
  public Map<String, ChainHead> heads() {
    AuditDispatcher running = dispatcher;
    return running == null ? Map.of() : running.heads();
  }

  /** The name of this process's streams. */
  public String node() {
    return node;
  }

  /** What records are read from; only the audit services use it. */
  AuditSink sink() {
    AuditSink running = sink;
    if (running == null) {
      throw new IllegalStateException("the audit trail is not running");
    }
    return running;
  }

  Optional<SigningKey> signingKey() {
    return signingKey;
  }

  @Scheduled(initialDelay = 1, fixedDelay = 60, timeUnit = TimeUnit.MINUTES)
  void applyRetention() {
    if (isRunning()) {
      applyRetention(Clock.systemUTC());
    }
  }

  /** Deletes whole Elasticsearch indices older than the retention, when one is set. */
  void applyRetention(Clock clock) {
    if (sink instanceof ElasticsearchAuditSink elasticsearch
        && settings.elasticsearch().retentionPeriods() > 0) {
      List<String> deleted =
          elasticsearch.deleteExpiredIndices(
              settings.elasticsearch().retentionPeriods(), clock.instant());
      if (!deleted.isEmpty()) {
        log.info("Audit retention deleted the indices {}", deleted);
      }
    }
  }

  @Override
  public synchronized void stop() {
    AuditDispatcher running = dispatcher;
    dispatcher = null;
    if (running != null) {
      running.close();
    }
    closeSink();
  }

  private void closeSink() {
    AuditSink open = sink;
    sink = null;
    if (open != null) {
      open.close();
    }
  }

  @Override
  public boolean isRunning() {
    return dispatcher != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** Operators learn about outages, shed and refused records from the log. */
  private static final class LoggedAlerts implements AuditAlerts {
    @Override
    public void sinkUnavailable(Throwable cause) {
      log.warn("The audit sink is unavailable; records are journaled until it answers", cause);
    }

    @Override
    public void sinkRecovered() {
      log.info("The audit sink answers again; the journal has been replayed");
    }

    @Override
    public void recordsShed(int count, long total, String reason) {
      log.warn("{} inference audit records shed ({} since start): {}", count, total, reason);
    }

    @Override
    public void recordsRejected(List<AuditSink.Rejected> rejected) {
      log.error(
          "The audit sink refused {} records for good; they are kept in rejected.jsonl",
          rejected.size());
    }
  }
}
