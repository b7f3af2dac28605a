package dev.pier.audit;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.audit.testing.TestRecords;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SearchTermsTest {
  @Test
  void wordsAreRunsOfLettersAndDigitsInLowerCase() {
    assertThat(SearchTerms.ofText("Model timed-OUT after 30s, retried; 3.14 foo_bar don't"))
        .containsExactly(
            "model", "timed", "out", "after", "30s", "retried", "3", "14", "foo", "bar", "don",
            "t");
  }

  @Test
  void everyHanCharacterIsAWord() {
    assertThat(SearchTerms.ofText("模型超时 Größe ÜBER"))
        .containsExactly("模", "型", "超", "时", "größe", "über");
  }

  @Test
  void longWordsAreCutIntoPieces() {
    String word = "a".repeat(255) + "b".repeat(255) + "c".repeat(90);

    assertThat(SearchTerms.ofText(word))
        .containsExactly("a".repeat(255), "b".repeat(255), "c".repeat(90));
  }

  @Test
  void aRecordsWordsComeFromItsTextFieldsAndArePerRecordBounded() {
    AuditRecord record =
        AuditRecord.inference(T0, "req-1", "Iris", "Alice", Outcome.FAILURE, 500, Duration.ZERO)
            .withError("Runtime crashed")
            .withPayload("{\"x\":[" + "1,".repeat(100_000) + "1]}", null);

    assertThat(SearchTerms.of(record))
        .startsWith("alice", "infer", "iris", "runtime", "crashed", "x", "1");
    assertThat(SearchTerms.of(record)).doesNotContain("req");

    StringBuilder many = new StringBuilder();
    for (int index = 0; index < 10_000; index++) {
      many.append("w").append(index).append(' ');
    }
    assertThat(SearchTerms.of(record.withPayload(many.toString(), null)))
        .hasSizeLessThanOrEqualTo(SearchTerms.MAX_TERMS);
  }

  @Test
  void businessKeysAreNameEqualsValue() {
    assertThat(SearchTerms.businessKeyTerms(TestRecords.everything(T0)))
        .containsExactly("customer_id=C-42", "order=a=b");
  }
}
