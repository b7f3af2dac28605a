package dev.pier.audit.dispatch;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.chain.ChainHead;
import dev.pier.audit.chain.ChainVerifier;
import dev.pier.audit.chain.Verification;
import dev.pier.audit.elasticsearch.ElasticsearchAuditSink;
import dev.pier.audit.elasticsearch.ElasticsearchSinkSettings;
import dev.pier.audit.testing.Await;
import dev.pier.audit.testing.TestRecords;
import dev.pier.testing.elasticsearch.ElasticsearchNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's promise against a real Elasticsearch: whatever fails — the node stopped while
 * traffic flows, the writing process killed mid-stream — every record arrives, in order, exactly
 * once, and the chain verifies.
 */
class DispatcherFaultIT {
  @RegisterExtension static final ElasticsearchNode ELASTICSEARCH = new ElasticsearchNode();

  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir Path journalDirectory;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeResources() throws Exception {
    for (int index = resources.size() - 1; index >= 0; index--) {
      resources.get(index).close();
    }
    ELASTICSEARCH.start();
  }

  private ElasticsearchAuditSink sink(String prefix) {
    ElasticsearchAuditSink sink =
        ElasticsearchAuditSink.connect(
            ELASTICSEARCH.url(),
            ElasticsearchSinkSettings.defaults().withIndexPrefix(prefix).withReplicas(0),
            Duration.ofSeconds(5));
    resources.add(sink);
    return sink;
  }

  private AuditDispatcher dispatcher(
      ElasticsearchAuditSink sink, String node, RecordingAlerts alerts) throws IOException {
    AuditDispatcher dispatcher =
        AuditDispatcher.start(
            sink,
            DispatcherSettings.defaults(node, journalDirectory)
                .withBatchSize(200)
                .withSinkTimeout(Duration.ofSeconds(5))
                .withRetry(Duration.ofMillis(100), Duration.ofSeconds(1)),
            alerts);
    resources.add(dispatcher);
    return dispatcher;
  }

  /** The whole stream as stored, in sequence order. */
  private static List<AuditRecord> stored(ElasticsearchAuditSink sink, String stream) {
    sink.refresh();
    List<AuditRecord> all = new ArrayList<>();
    long afterSequence = 0;
    String afterId = null;
    while (true) {
      List<AuditRecord> page = sink.readChain(stream, afterSequence, afterId, 5_000);
      all.addAll(page);
      if (page.size() < 5_000) {
        return all;
      }
      afterSequence = page.get(page.size() - 1).sequence();
      afterId = page.get(page.size() - 1).id();
    }
  }

  private static void assertInOrderExactlyOnce(
      List<AuditRecord> stored, String prefix, long count) {
    assertThat(stored).hasSize((int) count);
    for (int index = 0; index < stored.size(); index++) {
      AuditRecord record = stored.get(index);
      assertThat(record.sequence()).as("sequence at %d", index).isEqualTo(index + 1L);
      assertThat(record.requestId())
          .as("record at sequence %d", index + 1)
          .isEqualTo(prefix + index);
    }
  }

  private static void assertIntact(ElasticsearchAuditSink sink, String stream, ChainHead head) {
    Verification verification = new ChainVerifier(sink, Optional.empty()).verify(stream, head);
    assertThat(verification.intact()).as(verification.toString()).isTrue();
  }

  @Test
  void everyRecordArrivesOnceAndInOrderAcrossAnElasticsearchOutage() throws Exception {
    ElasticsearchAuditSink sink = sink("fault-outage");
    RecordingAlerts alerts = new RecordingAlerts();
    AuditDispatcher dispatcher = dispatcher(sink, "outage", alerts);
    AuditMetrics metrics = dispatcher.metrics();
    Semaphore permits = new Semaphore(0);
    AtomicInteger submitted = new AtomicInteger();
    AtomicReference<Throwable> producerFailure = new AtomicReference<>();
    int total = 6_000;
    Thread producer =
        new Thread(
            () -> {
              try {
                for (int index = 0; index < total; index++) {
                  permits.acquire();
                  AuditRecord record =
                      TestRecords.inference(T0.plusMillis(index), "out-" + index, "iris");
                  while (true) {
                    try {
                      dispatcher.submit(record);
                      break;
                    } catch (AuditRejectedException e) {
                      // Queue full for the submit timeout: offer the same record again.
                    }
                  }
                  submitted.incrementAndGet();
                }
              } catch (Throwable e) {
                producerFailure.set(e);
              }
            },
            "producer");
    producer.start();

    permits.release(1_500);
    Await.until(WAIT, "1,000 records delivered", () -> metrics.delivered() >= 1_000);
    ELASTICSEARCH.stop();
    permits.release(1_500);
    Await.until(WAIT, "1,500 records journaled", () -> metrics.journaled() >= 1_500);
    permits.release(1_500);
    ELASTICSEARCH.start();
    permits.release(1_500);
    producer.join(WAIT.toMillis());

    assertThat(producerFailure.get()).isNull();
    assertThat(submitted).hasValue(total);
    assertThat(dispatcher.awaitDelivered(WAIT)).isTrue();
    String stream = "outage.inference";
    assertInOrderExactlyOnce(stored(sink, stream), "out-", total);
    assertThat(sink.count(AuditQuery.all())).as("stored exactly once").isEqualTo(total);
    assertIntact(sink, stream, dispatcher.heads().get(stream));
    assertThat(metrics.journaled()).isGreaterThanOrEqualTo(1_500);
    assertThat(metrics.journalPending()).isZero();
    assertThat(metrics.writeFailures()).isPositive();
    assertThat(alerts.outages.get()).isPositive();
    assertThat(alerts.recoveries.get()).isPositive();
  }

  @Test
  void aNewDispatcherReplaysTheJournalOfAWriterKilledMidStream() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    // The writer's Elasticsearch is unreachable, so everything it seals goes to its journal.
    Process writer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                JournalingWriter.class.getName(),
                "http://127.0.0.1:" + closedPort,
                "fault-killed",
                journalDirectory.toString(),
                "killed")
            .redirectErrorStream(true)
            .start();
    resources.add(writer::destroyForcibly);
    AtomicLong journaled = new AtomicLong();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (line.startsWith("journaled ")) {
                    journaled.set(Long.parseLong(line.substring("journaled ".length())));
                  }
                }
              } catch (IOException e) {
                // The process was killed.
              }
            },
            "writer-output");
    reader.start();

    Await.until(
        WAIT,
        () -> "2,000 records journaled by the writer (" + journaled + ")",
        () -> journaled.get() >= 2_000);
    writer.destroyForcibly();
    assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    reader.join(TimeUnit.SECONDS.toMillis(30));
    long durable = journaled.get();

    ElasticsearchAuditSink sink = sink("fault-killed");
    AuditDispatcher replaying = dispatcher(sink, "killed", new RecordingAlerts());
    assertThat(replaying.awaitDelivered(WAIT)).isTrue();

    String stream = "killed.inference";
    List<AuditRecord> replayed = stored(sink, stream);
    assertThat((long) replayed.size())
        .as("everything journaled before the kill")
        .isGreaterThanOrEqualTo(durable);
    assertInOrderExactlyOnce(replayed, "kill-", replayed.size());
    assertIntact(sink, stream, replaying.heads().get(stream));

    // The chain goes on where the killed writer left it.
    replaying.submit(TestRecords.inference(T0, "after-restart", "iris"));
    assertThat(replaying.awaitDelivered(WAIT)).isTrue();
    List<AuditRecord> continued = stored(sink, stream);
    assertThat(continued.get(continued.size() - 1).sequence()).isEqualTo(replayed.size() + 1L);
    assertIntact(sink, stream, replaying.heads().get(stream));
  }
}
