package dev.pier.audit;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.audit.chain.ChainHead;
import dev.pier.audit.chain.ChainVerifier;
import dev.pier.audit.chain.HashChain;
import dev.pier.audit.chain.SigningKey;
import dev.pier.audit.chain.Verification;
import dev.pier.audit.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AuditSink} must do, the same way: run against PostgreSQL, Elasticsearch and the
 * in-memory fake. Subclasses give each test a sink with no records in it.
 */
public abstract class AuditSinkContract {
  private static final SigningKey KEY =
      SigningKey.of("a test key of at least 32 bytes!!".getBytes(StandardCharsets.US_ASCII));

  /** The sink under test; empty at the start of each test. */
  protected abstract AuditSink sink();

  /** Makes what was written visible to queries (near-real-time sinks). */
  protected void awaitVisible() {}

  /**
   * Changes a stored record behind the sink's back (same id), as someone with store access could.
   */
  protected abstract void alterStored(AuditRecord altered);

  /** Deletes a stored record behind the sink's back. */
  protected abstract void deleteStored(AuditRecord record);

  private List<AuditRecord> writeAll(List<AuditRecord> records) {
    for (int start = 0; start < records.size(); start += 500) {
      AuditSink.WriteResult result =
          sink().write(records.subList(start, Math.min(records.size(), start + 500)));
      assertThat(result.rejected()).isEmpty();
    }
    awaitVisible();
    return records;
  }

  private List<AuditRecord> chain(String stream) {
    List<AuditRecord> all = new ArrayList<>();
    List<AuditRecord> page = sink().readChain(stream, 0, null, 10_000);
    all.addAll(page);
    return all;
  }

  private static List<String> ids(List<AuditRecord> records) {
    return records.stream().map(AuditRecord::id).toList();
  }

  private List<String> queryIds(AuditQuery query) {
    AuditPage page = sink().query(query.withPageSize(1_000));
    assertThat(page.nextCursor()).isEmpty();
    assertThat(sink().count(query)).as("count of %s", query).isEqualTo(page.records().size());
    return ids(page.records());
  }

  @Test
  void aRecordWrittenTwiceIsStoredOnce() {
    List<AuditRecord> records =
        TestRecords.sealed(
            "idempotent",
            10,
            index -> TestRecords.inference(T0.plusSeconds(index), "r-" + index, "iris"));

    sink().write(records.subList(0, 6));
    AuditSink.WriteResult again = sink().write(records);
    sink().write(records.subList(3, 4));
    awaitVisible();

    assertThat(again.rejected()).isEmpty();
    assertThat(sink().count(AuditQuery.all())).isEqualTo(10);
    assertThat(chain("idempotent")).containsExactlyElementsOf(records);
  }

  @Test
  void recordsComeBackExactlyAsWritten() {
    List<AuditRecord> records =
        TestRecords.sealed(
            "exact",
            3,
            index ->
                switch (index) {
                  case 0 -> TestRecords.everything(T0);
                  case 1 ->
                      TestRecords.admin(
                          T0.plusNanos(1_000), "ädmin", "endpoint.update", "endpoint/iris");
                  default ->
                      AuditRecord.inference(
                          T0.plusSeconds(1), null, null, null, Outcome.SUCCESS, 0, null);
                });
    writeAll(records);

    assertThat(chain("exact")).containsExactlyElementsOf(records);
    assertThat(sink().query(AuditQuery.all().withOrder(AuditQuery.Order.OLDEST_FIRST)).records())
        .containsExactlyElementsOf(records);
    assertThat(new ChainVerifier(sink(), Optional.empty()).verify("exact").intact()).isTrue();
  }

  /** Six records that differ in every field a query can select on. */
  private List<AuditRecord> varied() {
    return writeAll(
        TestRecords.sealed(
            "varied",
            6,
            index ->
                switch (index) {
                  case 0 ->
                      TestRecords.inference(T0, "r-0", "iris")
                          .withTarget("iris", "1")
                          .withInstance(0, 2)
                          .withBusinessKeys(Map.of("customer", "C1"));
                  case 1 ->
                      AuditRecord.inference(
                              T0.plusSeconds(1),
                              "r-1",
                              "iris",
                              "bob",
                              Outcome.FAILURE,
                              504,
                              Duration.ofSeconds(30))
                          .withTarget("iris", "2")
                          .withError("Model timed OUT after 30s");
                  case 2 ->
                      TestRecords.inference(T0.plusSeconds(2), "r-2", "fraud")
                          .withTarget("fraud", "1")
                          .withPayload(
                              "[{\"name\":\"amount\",\"data\":[1250.5]}]",
                              "[{\"name\":\"score\",\"data\":[0.97]}]")
                          .withBusinessKeys(Map.of("customer", "C2"));
                  case 3 ->
                      TestRecords.admin(
                              T0.plusSeconds(3), "carol", "endpoint.update", "endpoint/iris")
                          .withEndpoint("iris");
                  case 4 ->
                      AuditRecord.admin(
                          T0.plusSeconds(4),
                          "alice",
                          "model.delete",
                          "model/old",
                          "{\"name\":\"old\"}",
                          null,
                          "10.1.1.1",
                          Outcome.FAILURE);
                  default ->
                      TestRecords.inference(T0.plusSeconds(5), "r-0", "iris")
                          .withTarget("iris", "1")
                          .withInstance(1, 2)
                          .withBusinessKeys(Map.of("customer", "C1"));
                }));
  }

  @Test
  void everyCriterionSelectsTheSameRecords() {
    List<String> r = ids(varied());
    AuditQuery all = AuditQuery.all();

    assertThat(queryIds(all))
        .containsExactly(r.get(5), r.get(4), r.get(3), r.get(2), r.get(1), r.get(0));
    assertThat(queryIds(all.withOrder(AuditQuery.Order.OLDEST_FIRST))).containsExactlyElementsOf(r);
    assertThat(queryIds(all.withTimeRange(T0.plusSeconds(1), T0.plusSeconds(3))))
        .as("from is inclusive, to exclusive")
        .containsExactly(r.get(2), r.get(1));
    assertThat(queryIds(all.withTimeRange(T0.plusSeconds(4), null)))
        .containsExactly(r.get(5), r.get(4));
    assertThat(queryIds(all.withTimeRange(null, T0.plusNanos(1_000)))).containsExactly(r.get(0));
    assertThat(queryIds(all.withKind(AuditKind.ADMIN))).containsExactly(r.get(4), r.get(3));
    assertThat(queryIds(all.withEndpoint("iris")))
        .containsExactly(r.get(5), r.get(3), r.get(1), r.get(0));
    assertThat(queryIds(all.withEndpoint("iris").withVersion("1")))
        .containsExactly(r.get(5), r.get(0));
    assertThat(queryIds(all.withActor("alice")))
        .containsExactly(r.get(5), r.get(4), r.get(2), r.get(0));
    assertThat(queryIds(all.withAction(AuditRecord.INFER)))
        .containsExactly(r.get(5), r.get(2), r.get(1), r.get(0));
    assertThat(queryIds(all.withAction("endpoint.update"))).containsExactly(r.get(3));
    assertThat(queryIds(all.withOutcome(Outcome.FAILURE))).containsExactly(r.get(4), r.get(1));
    assertThat(queryIds(all.withRequestId("r-0"))).containsExactly(r.get(5), r.get(0));
    assertThat(queryIds(all.withBusinessKey("customer", "C1"))).containsExactly(r.get(5), r.get(0));
    assertThat(queryIds(all.withBusinessKey("customer", "C2"))).containsExactly(r.get(2));
    assertThat(queryIds(all.withBusinessKey("customer", "C"))).isEmpty();
    assertThat(queryIds(all.withEndpoint("ir"))).as("exact, not a prefix").isEmpty();
    assertThat(queryIds(all.withActor("Alice"))).as("case-sensitive").isEmpty();
    assertThat(
            queryIds(
                all.withEndpoint("iris")
                    .withOutcome(Outcome.SUCCESS)
                    .withKind(AuditKind.INFERENCE)))
        .containsExactly(r.get(5), r.get(0));
  }

  @Test
  void freeTextMatchesRecordsWithEveryWord() {
    List<String> r = ids(varied());
    AuditQuery all = AuditQuery.all();

    assertThat(queryIds(all.withText("timed out"))).containsExactly(r.get(1));
    assertThat(queryIds(all.withText("TIMED   Out!")))
        .as("case and punctuation do not matter")
        .containsExactly(r.get(1));
    assertThat(queryIds(all.withText("timed setosa"))).as("every word must match").isEmpty();
    assertThat(queryIds(all.withText("setosa")))
        .as("words of the payload")
        .containsExactly(r.get(5), r.get(0));
    assertThat(queryIds(all.withText("1250"))).containsExactly(r.get(2));
    assertThat(queryIds(all.withText("carol"))).as("the actor").containsExactly(r.get(3));
    assertThat(queryIds(all.withText("old"))).as("the before state").containsExactly(r.get(4));
    assertThat(queryIds(all.withText("tim"))).as("whole words only").isEmpty();
    assertThat(
            queryIds(
                all.withText("setosa").withEndpoint("iris").withTimeRange(T0.plusSeconds(1), null)))
        .containsExactly(r.get(5));
    assertThat(queryIds(all.withText("!!!"))).as("no words: no text criterion").hasSize(6);
  }

  @Test
  void pagesCoverALargeResultWithoutGapsOrDuplicates() {
    // 2,500 records over more than a day, five at each instant, so ties are broken by id.
    List<AuditRecord> records =
        writeAll(
            TestRecords.sealed(
                "paged",
                2_500,
                index ->
                    TestRecords.inference(
                        T0.plus(Duration.ofMinutes(3L * (index / 5))), "p-" + index, "iris")));
    Comparator<AuditRecord> oldestFirst =
        Comparator.comparing(AuditRecord::time).thenComparing(AuditRecord::id);
    List<String> expectedNewestFirst =
        ids(records.stream().sorted(oldestFirst.reversed()).toList());

    List<String> seen = new ArrayList<>();
    AuditQuery query = AuditQuery.all().withPageSize(100);
    int pages = 0;
    while (true) {
      AuditPage page = sink().query(query);
      pages++;
      seen.addAll(ids(page.records()));
      if (pages == 3) {
        // Records written while paging, newer than anything paged: they do not disturb the pages.
        writeAll(
            TestRecords.sealed(
                "paged-later",
                50,
                index ->
                    TestRecords.inference(
                        T0.plus(Duration.ofDays(3)).plusSeconds(index), "late-" + index, "iris")));
      }
      if (page.nextCursor().isEmpty()) {
        break;
      }
      assertThat(page.records()).hasSize(100);
      query = query.withCursor(page.nextCursor().get());
    }

    assertThat(pages).isEqualTo(25);
    assertThat(seen).containsExactlyElementsOf(expectedNewestFirst);

    List<String> oldest = new ArrayList<>();
    AuditQuery ascending =
        AuditQuery.all()
            .withOrder(AuditQuery.Order.OLDEST_FIRST)
            .withTimeRange(null, T0.plus(Duration.ofDays(2)))
            .withPageSize(333);
    for (AuditPage page = sink().query(ascending);
        ;
        page = sink().query(ascending.withCursor(page.nextCursor().get()))) {
      oldest.addAll(ids(page.records()));
      if (page.nextCursor().isEmpty()) {
        break;
      }
    }
    assertThat(oldest)
        .containsExactlyElementsOf(ids(records.stream().sorted(oldestFirst).toList()));
    assertThat(sink().count(AuditQuery.all())).isEqualTo(2_550);
    assertThat(sink().count(AuditQuery.all().withText("late"))).isZero();
    assertThat(sink().count(AuditQuery.all().withRequestId("late-7"))).isEqualTo(1);
  }

  @Test
  void streamsAreReadInSequenceOrder() {
    List<AuditRecord> first =
        TestRecords.sealed(
            "node-a.inference",
            30,
            index -> TestRecords.inference(T0.plusSeconds(30 - index), "a-" + index, "iris"));
    List<AuditRecord> second =
        TestRecords.sealed(
            "node-b.admin",
            3,
            index -> TestRecords.admin(T0.plusSeconds(index), "alice", "endpoint.update", "e"));
    List<AuditRecord> mixed = new ArrayList<>(first);
    mixed.addAll(1, second);
    writeAll(mixed);

    assertThat(chain("node-a.inference")).containsExactlyElementsOf(first);
    assertThat(sink().readChain("node-a.inference", 10, null, 5))
        .containsExactlyElementsOf(first.subList(10, 15));
    assertThat(sink().readChain("node-a.inference", 30, null, 5)).isEmpty();
    assertThat(sink().last("node-a.inference")).contains(first.get(29));
    assertThat(sink().last("node-b.admin")).contains(second.get(2));
    assertThat(sink().last("nobody")).isEmpty();
    assertThat(sink().streams()).containsExactly("node-a.inference", "node-b.admin");
  }

  @Test
  void aSecondRecordWithATakenSequenceIsKeptAndReported() {
    List<AuditRecord> records =
        writeAll(
            TestRecords.sealed(
                "dup",
                8,
                index -> TestRecords.inference(T0.plusSeconds(index), "d-" + index, "iris")));
    AuditRecord copy = records.get(4).withId("ffffffff-ffff-7fff-bfff-ffffffffffff");
    writeAll(List.of(copy));

    List<AuditRecord> fifth = sink().readChain("dup", 4, null, 10).subList(0, 2);
    assertThat(ids(fifth)).containsExactly(records.get(4).id(), copy.id());
    assertThat(sink().readChain("dup", 5, records.get(4).id(), 1)).containsExactly(copy);

    Verification verification = new ChainVerifier(sink(), Optional.empty()).verify("dup");
    assertThat(verification.firstBreak())
        .hasValueSatisfying(
            broken -> {
              assertThat(broken.sequence()).isEqualTo(5);
              assertThat(broken.problem()).isEqualTo(Verification.Problem.DUPLICATE);
              assertThat(broken.recordId()).isEqualTo(copy.id());
            });
  }

  private List<AuditRecord> chained(Optional<SigningKey> key) {
    HashChain chain = new HashChain(Map.of(), key);
    return writeAll(
        IntStream.range(0, 20)
            .mapToObj(
                index ->
                    chain.append(
                        "tamper",
                        TestRecords.inference(T0.plusSeconds(index), "t-" + index, "iris")))
            .toList());
  }

  private Verification.Break firstBreak(
      Optional<SigningKey> key, Function<ChainVerifier, Verification> verify) {
    awaitVisible();
    Verification verification = verify.apply(new ChainVerifier(sink(), key));
    assertThat(verification.intact()).as("verification of %s", verification).isFalse();
    return verification.firstBreak().orElseThrow();
  }

  @Test
  void anIntactStreamVerifies() {
    List<AuditRecord> records = chained(Optional.of(KEY));

    Verification verification =
        new ChainVerifier(sink(), Optional.of(KEY)).verify("tamper", ChainHead.of(records.get(19)));

    assertThat(verification.intact()).isTrue();
    assertThat(verification.checked()).isEqualTo(20);
    assertThat(verification.lastSequence()).isEqualTo(20);
  }

  @Test
  void anAlteredRecordIsReportedAtItsSequence() {
    List<AuditRecord> records = chained(Optional.empty());
    alterStored(
        records
            .get(6)
            .withPayload(
                records.get(6).inputs(), "[{\"name\":\"label\",\"data\":[\"virginica\"]}]"));

    Verification.Break broken = firstBreak(Optional.empty(), verifier -> verifier.verify("tamper"));

    assertThat(broken.sequence()).isEqualTo(7);
    assertThat(broken.problem()).isEqualTo(Verification.Problem.HASH_MISMATCH);
    assertThat(broken.recordId()).isEqualTo(records.get(6).id());
  }

  @Test
  void aDeletedRecordIsReportedAsMissing() {
    List<AuditRecord> records = chained(Optional.empty());
    deleteStored(records.get(11));

    Verification.Break broken = firstBreak(Optional.empty(), verifier -> verifier.verify("tamper"));

    assertThat(broken.sequence()).isEqualTo(12);
    assertThat(broken.problem()).isEqualTo(Verification.Problem.MISSING);
  }

  @Test
  void deletingTheNewestRecordsIsReportedAgainstTheKnownHead() {
    List<AuditRecord> records = chained(Optional.empty());
    deleteStored(records.get(19));
    deleteStored(records.get(18));

    assertThat(new ChainVerifier(sink(), Optional.empty()).verify("tamper").intact())
        .as("without the head, a shortened chain looks whole")
        .isTrue();
    Verification.Break broken =
        firstBreak(
            Optional.empty(), verifier -> verifier.verify("tamper", ChainHead.of(records.get(19))));
    assertThat(broken.sequence()).isEqualTo(19);
    assertThat(broken.problem()).isEqualTo(Verification.Problem.MISSING);
  }

  @Test
  void aRecordRewrittenWithAFreshHashBreaksTheNextLink() {
    List<AuditRecord> records = chained(Optional.empty());
    AuditRecord original = records.get(4);
    AuditRecord forged = original.withPayload(original.inputs(), "[\"forged\"]");
    forged =
        forged.withSeal(
            forged.stream(),
            forged.sequence(),
            forged.previousHash(),
            HashChain.hash(forged),
            null);
    alterStored(forged);

    Verification.Break broken = firstBreak(Optional.empty(), verifier -> verifier.verify("tamper"));

    assertThat(broken.sequence()).isEqualTo(6);
    assertThat(broken.problem()).isEqualTo(Verification.Problem.BROKEN_LINK);
  }

  @Test
  void withAKeyAForgedRecordFailsItsSignature() {
    List<AuditRecord> records = chained(Optional.of(KEY));
    AuditRecord original = records.get(4);
    AuditRecord forged = original.withPayload(original.inputs(), "[\"forged\"]");
    String hash = HashChain.hash(forged);
    SigningKey otherKey = SigningKey.of(new byte[32]);
    alterStored(
        forged.withSeal(
            forged.stream(), forged.sequence(), forged.previousHash(), hash, otherKey.sign(hash)));

    Verification.Break broken = firstBreak(Optional.of(KEY), verifier -> verifier.verify("tamper"));

    assertThat(broken.sequence()).isEqualTo(5);
    assertThat(broken.problem()).isEqualTo(Verification.Problem.BAD_SIGNATURE);
  }

  @Test
  void verificationCanStartAfterRetention() {
    List<AuditRecord> records = chained(Optional.empty());
    for (AuditRecord record : records.subList(0, 8)) {
      deleteStored(record);
    }

    assertThat(firstBreak(Optional.empty(), verifier -> verifier.verify("tamper")).problem())
        .isEqualTo(Verification.Problem.MISSING);
    Verification fromNine = new ChainVerifier(sink(), Optional.empty()).verifyFrom("tamper", 9);
    assertThat(fromNine.intact()).isTrue();
    assertThat(fromNine.checked()).isEqualTo(12);
  }

  @Test
  void everyStreamCanBeVerifiedAtOnce() {
    writeAll(
        TestRecords.sealed(
            "one", 3, index -> TestRecords.inference(T0.plusSeconds(index), "o-" + index, "iris")));
    writeAll(
        TestRecords.sealed(
            "two", 4, index -> TestRecords.inference(T0.plusSeconds(index), "w-" + index, "iris")));

    List<Verification> all = new ChainVerifier(sink(), Optional.empty()).verifyAll();

    assertThat(all).extracting(Verification::stream).containsExactly("one", "two");
    assertThat(all).allMatch(Verification::intact);
    Set<Long> counts = new HashSet<>();
    all.forEach(verification -> counts.add(verification.checked()));
    assertThat(counts).containsExactlyInAnyOrder(3L, 4L);
  }
}
