package dev.pier.audit.dispatch;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.audit.AuditKind;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.chain.ChainVerifier;
import dev.pier.audit.chain.SigningKey;
import dev.pier.audit.chain.Verification;
import dev.pier.audit.testing.Await;
import dev.pier.audit.testing.InMemoryAuditSink;
import dev.pier.audit.testing.TestRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditDispatcherTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path journalDirectory;

  private final InMemoryAuditSink sink = new InMemoryAuditSink();
  private final RecordingAlerts alerts = new RecordingAlerts();
  private final List<AuditDispatcher> started = new ArrayList<>();

  @AfterEach
  void closeDispatchers() {
    sink.releaseWrites();
    started.forEach(AuditDispatcher::close);
  }

  private DispatcherSettings settings() {
    return DispatcherSettings.defaults("node-1", journalDirectory)
        .withBatchSize(50)
        .withSinkTimeout(Duration.ofMillis(300))
        .withRetry(Duration.ofMillis(20), Duration.ofMillis(200))
        .withCloseTimeout(Duration.ofSeconds(5));
  }

  private AuditDispatcher start(DispatcherSettings settings) throws IOException {
    AuditDispatcher dispatcher = AuditDispatcher.start(sink, settings, alerts);
    started.add(dispatcher);
    return dispatcher;
  }

  private static AuditRecord inference(int index) {
    return TestRecords.inference(T0.plusMillis(index), "req-" + index, "iris");
  }

  private static List<String> requestIds(List<AuditRecord> records) {
    return records.stream().map(AuditRecord::requestId).toList();
  }

  private List<AuditRecord> stream(String stream) {
    return sink.readChain(stream, 0, null, 1_000_000);
  }

  private static List<String> expectedRequestIds(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int index = from; index < to; index++) {
      ids.add("req-" + index);
    }
    return ids;
  }

  private void assertIntact(String stream, AuditDispatcher dispatcher) {
    Verification verification =
        new ChainVerifier(sink, Optional.empty()).verify(stream, dispatcher.heads().get(stream));
    assertThat(verification.intact()).as(verification.toString()).isTrue();
  }

  @Test
  void recordsAreSealedAndDeliveredInSubmissionOrder() throws Exception {
    AuditDispatcher dispatcher = start(settings());
    for (int index = 0; index < 1_000; index++) {
      dispatcher.submit(inference(index));
      if (index % 100 == 0) {
        dispatcher.submit(TestRecords.admin(T0, "alice", "endpoint.update", "e-" + index));
      }
    }

    assertThat(dispatcher.awaitDelivered(WAIT)).isTrue();

    List<AuditRecord> inference = stream("node-1.inference");
    assertThat(requestIds(inference)).containsExactlyElementsOf(expectedRequestIds(0, 1_000));
    assertThat(inference)
        .extracting(AuditRecord::sequence)
        .containsExactlyElementsOf(sequences(1_000));
    assertThat(stream("node-1.admin"))
        .hasSize(10)
        .allMatch(record -> record.kind() == AuditKind.ADMIN);
    assertIntact("node-1.inference", dispatcher);
    assertIntact("node-1.admin", dispatcher);
    assertThat(dispatcher.metrics().submitted()).isEqualTo(1_010);
    assertThat(dispatcher.metrics().delivered()).isEqualTo(1_010);
    assertThat(dispatcher.metrics().journaled()).isZero();
    assertThat(dispatcher.metrics().queued()).isZero();
  }

  private static List<Long> sequences(int count) {
    List<Long> sequences = new ArrayList<>();
    for (long sequence = 1; sequence <= count; sequence++) {
      sequences.add(sequence);
    }
    return sequences;
  }

  @Test
  void whileTheSinkIsDownRecordsAreJournaledAndLaterReplayedInOrder() throws Exception {
    AuditDispatcher dispatcher = start(settings());
    for (int index = 0; index < 100; index++) {
      dispatcher.submit(inference(index));
    }
    assertThat(dispatcher.awaitDelivered(WAIT)).isTrue();

    sink.setAvailable(false);
    for (int index = 100; index < 600; index++) {
      dispatcher.submit(inference(index));
    }
    Await.until(WAIT, "500 records journaled", () -> dispatcher.metrics().journalPending() == 500);
    assertThat(sink.size()).isEqualTo(100);
    assertThat(alerts.outages).hasValue(1);

    sink.setAvailable(true);
    for (int index = 600; index < 700; index++) {
      dispatcher.submit(inference(index));
    }

    assertThat(dispatcher.awaitDelivered(WAIT)).isTrue();
    assertThat(requestIds(stream("node-1.inference")))
        .containsExactlyElementsOf(expectedRequestIds(0, 700));
    assertThat(sink.size()).as("exactly once").isEqualTo(700);
    assertIntact("node-1.inference", dispatcher);
    assertThat(dispatcher.metrics().journaled()).isGreaterThanOrEqualTo(500);
    assertThat(dispatcher.metrics().journalPending()).isZero();
    assertThat(dispatcher.metrics().writeFailures()).isPositive();
    assertThat(alerts.recoveries).hasValue(1);
  }

  @Test
  void aWriteThatOutlastsTheSinkTimeoutIsJournaledAndItsLateSuccessIsNotDuplicated()
      throws Exception {
    AuditDispatcher dispatcher = start(settings());
    sink.holdWrites();
    for (int index = 0; index < 10; index++) {
      dispatcher.submit(inference(index));
    }
    Await.until(WAIT, "the slow batch journaled", () -> dispatcher.metrics().journaled() == 10);

    sink.releaseWrites();

    assertThat(dispatcher.awaitDelivered(WAIT)).isTrue();
    assertThat(requestIds(stream("node-1.inference")))
        .containsExactlyElementsOf(expectedRequestIds(0, 10));
    assertThat(sink.writeLog()).as("the late write and the replay both arrived").hasSize(20);
    assertThat(sink.size()).isEqualTo(10);
    assertIntact("node-1.inference", dispatcher);
  }

  @Test
  void aNewDispatcherOverAHaltedOnesJournalDeliversWhatWasJournaledOnce() throws Exception {
    sink.setAvailable(false);
    AuditDispatcher crashed = start(settings());
    for (int index = 0; index < 300; index++) {
      crashed.submit(inference(index));
    }
    Await.until(WAIT, "300 records journaled", () -> crashed.metrics().journaled() == 300);
    crashed.halt();

    sink.setAvailable(true);
    AuditDispatcher restarted = start(settings());
    for (int index = 300; index < 305; index++) {
      restarted.submit(inference(index));
    }

    assertThat(restarted.awaitDelivered(WAIT)).isTrue();
    assertThat(requestIds(stream("node-1.inference")))
        .containsExactlyElementsOf(expectedRequestIds(0, 305));
    assertThat(sink.size()).isEqualTo(305);
    assertIntact("node-1.inference", restarted);
    assertThat(restarted.heads().get("node-1.inference").sequence()).isEqualTo(305);
  }

  @Test
  void aRestartWhileTheSinkIsDownContinuesTheChain() throws Exception {
    AuditDispatcher first = start(settings());
    for (int index = 0; index < 10; index++) {
      first.submit(inference(index));
    }
    assertThat(first.awaitDelivered(WAIT)).isTrue();
    first.close();

    sink.setAvailable(false);
    AuditDispatcher second = start(settings());
    for (int index = 10; index < 15; index++) {
      second.submit(inference(index));
    }
    Await.until(WAIT, "5 records journaled", () -> second.metrics().journaled() == 5);
    sink.setAvailable(true);

    assertThat(second.awaitDelivered(WAIT)).isTrue();
    assertThat(stream("node-1.inference"))
        .extracting(AuditRecord::sequence)
        .containsExactlyElementsOf(sequences(15));
    assertIntact("node-1.inference", second);
  }

  @Test
  void theLastStoredIdAndTheSettledCountSayWhatSurvivesTheProcess() throws Exception {
    AuditDispatcher first = start(settings());
    assertThat(first.lastStoredId("node-1.inference")).isEmpty();
    List<AuditRecord> submitted = new ArrayList<>();
    for (int index = 0; index < 20; index++) {
      submitted.add(inference(index));
      first.submit(submitted.get(index));
    }
    Await.until(
        WAIT, "20 inference records settled", () -> first.settled(AuditKind.INFERENCE) == 20);
    assertThat(first.lastStoredId("node-1.inference")).hasValue(submitted.get(19).id());
    assertThat(first.settled(AuditKind.ADMIN)).isZero();

    sink.setAvailable(false);
    for (int index = 20; index < 25; index++) {
      submitted.add(inference(index));
      first.submit(submitted.get(index));
    }
    Await.until(
        WAIT,
        "records journaled while the sink is down count as settled",
        () -> first.settled(AuditKind.INFERENCE) == 25);
    assertThat(first.lastStoredId("node-1.inference")).hasValue(submitted.get(24).id());
    first.halt();

    // From the journal's tail while the sink is down; from the heads file once it is empty.
    AuditDispatcher fromJournal = start(settings());
    assertThat(fromJournal.lastStoredId("node-1.inference")).hasValue(submitted.get(24).id());
    sink.setAvailable(true);
    assertThat(fromJournal.awaitDelivered(WAIT)).isTrue();
    fromJournal.close();
    sink.setAvailable(false);
    AuditDispatcher fromHeadsFile = start(settings());
    assertThat(fromHeadsFile.lastStoredId("node-1.inference")).hasValue(submitted.get(24).id());
    assertThat(fromHeadsFile.settled(AuditKind.INFERENCE)).as("counted per dispatcher").isZero();
  }

  @Test
  void withShedAFullJournalDropsInferenceRecordsBeforeTheyAreSealed() throws Exception {
    sink.setAvailable(false);
    AuditDispatcher dispatcher =
        start(
            settings()
                .withFullDiskPolicy(FullDiskPolicy.SHED)
                .withJournalLimits(64 * 1024, 16 * 1024)
                .withBatchSize(20));
    for (int index = 0; index < 2_000; index++) {
      dispatcher.submit(inference(index));
      if (index % 400 == 0) {
        dispatcher.submit(TestRecords.admin(T0, "alice", "endpoint.update", "e-" + index));
      }
    }
    AuditMetrics metrics = dispatcher.metrics();
    Await.until(
        WAIT,
        "every record journaled or shed",
        () -> metrics.journaled() + metrics.shed() == 2_005);

    assertThat(metrics.shed()).isPositive();
    assertThat(alerts.shedReported).hasValue(metrics.shed());
    assertThat(alerts.lastShedTotal).hasValue(metrics.shed());
    assertThat(metrics.journalBytes()).isLessThan(64 * 1024 + 20 * 2_048);

    sink.setAvailable(true);
    assertThat(dispatcher.awaitDelivered(WAIT)).isTrue();
    assertThat(sink.size()).isEqualTo(metrics.journaled());
    assertThat(stream("node-1.admin")).as("admin events are never shed").hasSize(5);
    assertIntact("node-1.inference", dispatcher);
    List<String> delivered = requestIds(stream("node-1.inference"));
    assertThat(delivered).isSortedAccordingTo((a, b) -> Integer.compare(number(a), number(b)));
  }

  private static int number(String requestId) {
    return Integer.parseInt(requestId.substring("req-".length()));
  }

  @Test
  void withBlockAFullJournalMakesSubmitRefuseAfterItsWaitAndDropsNothing() throws Exception {
    sink.setAvailable(false);
    AuditDispatcher dispatcher =
        start(
            settings()
                .withFullDiskPolicy(FullDiskPolicy.BLOCK)
                .withJournalLimits(16 * 1024, 4 * 1024)
                .withBatchSize(10)
                .withQueueCapacity(20)
                .withSubmitTimeout(Duration.ofMillis(20)));
    List<String> accepted = new ArrayList<>();
    int refused = 0;
    for (int index = 0; refused == 0; index++) {
      try {
        dispatcher.submit(inference(index));
        accepted.add("req-" + index);
      } catch (AuditRejectedException e) {
        refused++;
      }
    }
    assertThat(dispatcher.metrics().refused()).isEqualTo(1);
    assertThat(dispatcher.metrics().shed()).isZero();

    sink.setAvailable(true);
    assertThat(dispatcher.awaitDelivered(WAIT)).isTrue();
    assertThat(requestIds(stream("node-1.inference"))).containsExactlyElementsOf(accepted);
    assertIntact("node-1.inference", dispatcher);
  }

  @Test
  void recordsTheSinkRefusesForGoodAreSetAsideAndCounted() throws Exception {
    sink.refuse(record -> "req-1".equals(record.requestId()));
    AuditDispatcher dispatcher = start(settings());
    for (int index = 0; index < 3; index++) {
      dispatcher.submit(inference(index));
    }

    assertThat(dispatcher.awaitDelivered(WAIT)).isTrue();
    assertThat(requestIds(stream("node-1.inference"))).containsExactly("req-0", "req-2");
    assertThat(dispatcher.metrics().failed()).isEqualTo(1);
    assertThat(dispatcher.metrics().delivered()).isEqualTo(2);
    assertThat(alerts.rejected)
        .singleElement()
        .satisfies(rejected -> assertThat(rejected.record().requestId()).isEqualTo("req-1"));
    assertThat(Files.readString(journalDirectory.resolve("rejected.jsonl")))
        .contains("\"request_id\":\"req-1\"")
        .contains("refused by the test");
  }

  @Test
  void closeDeliversWhatIsQueuedAndThenRefusesRecords() throws Exception {
    AuditDispatcher dispatcher = start(settings());
    for (int index = 0; index < 200; index++) {
      dispatcher.submit(inference(index));
    }

    dispatcher.close();

    assertThat(requestIds(stream("node-1.inference")))
        .containsExactlyElementsOf(expectedRequestIds(0, 200));
    assertThatThrownBy(() -> dispatcher.submit(inference(200)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void whatCloseCannotDeliverWaitsInTheJournalForTheNextStart() throws Exception {
    sink.setAvailable(false);
    AuditDispatcher first = start(settings().withCloseTimeout(Duration.ofMillis(100)));
    for (int index = 0; index < 20; index++) {
      first.submit(inference(index));
    }
    first.close();
    assertThat(sink.size()).isZero();

    sink.setAvailable(true);
    AuditDispatcher second = start(settings());

    assertThat(second.awaitDelivered(WAIT)).isTrue();
    assertThat(requestIds(stream("node-1.inference")))
        .containsExactlyElementsOf(expectedRequestIds(0, 20));
  }

  @Test
  void oneJournalDirectoryServesOneDispatcher() throws Exception {
    start(settings());

    assertThatThrownBy(() -> start(settings()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in use");
  }

  @Test
  void withAKeyEveryRecordIsSigned() throws Exception {
    SigningKey key =
        SigningKey.of(
            new byte[] {
              1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
              25, 26, 27, 28, 29, 30, 31, 32
            });
    AuditDispatcher dispatcher = start(settings().withSigningKey(key));
    for (int index = 0; index < 5; index++) {
      dispatcher.submit(inference(index));
    }

    assertThat(dispatcher.awaitDelivered(WAIT)).isTrue();
    assertThat(stream("node-1.inference"))
        .allSatisfy(record -> assertThat(key.verifies(record.hash(), record.signature())).isTrue());
    assertThat(new ChainVerifier(sink, Optional.of(key)).verify("node-1.inference").intact())
        .isTrue();
  }

  @Test
  void sealedRecordsAreRefused() throws Exception {
    AuditDispatcher dispatcher = start(settings());
    AuditRecord sealed = TestRecords.sealed("elsewhere", 1, AuditDispatcherTest::inference).get(0);

    assertThatThrownBy(() -> dispatcher.submit(sealed))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
