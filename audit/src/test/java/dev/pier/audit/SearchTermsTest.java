package dev.pier.audit;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.audit.testing.TestRecords;
import java.time.Duration;
import java.util.List;
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
        .containsExactly("alice", "infer", "iris", "runtime", "crashed", "x", "1");

    StringBuilder many = new StringBuilder();
    for (int index = 0; index < 10_000; index++) {
      many.append("w").append(index).append(' ');
    }
    assertThat(SearchTerms.of(record.withPayload(many.toString(), null)))
        .hasSizeLessThanOrEqualTo(SearchTerms.MAX_TERMS);
  }

  @Test
  void aPayloadGivesABoundedNumberOfNumberWordsAndEveryOtherWord() {
    StringBuilder data = new StringBuilder();
    for (int index = 0; index < 200; index++) {
      data.append(index == 0 ? "" : ",").append(1000 + index);
    }
    AuditRecord record =
        AuditRecord.inference(T0, "req-1", "iris", "bob", Outcome.FAILURE, 500, Duration.ZERO)
            .withError("runtime 2 failed after 30s")
            .withPayload(
                "[{\"name\":\"input\",\"datatype\":\"FP32\",\"data\":[" + data + "]}]",
                "[{\"name\":\"label\",\"datatype\":\"BYTES\",\"data\":[\"setosa 7b 2e5\"]}]");

    List<String> terms = SearchTerms.of(record);

    assertThat(terms)
        .startsWith("bob", "infer", "iris", "runtime", "2", "failed", "after", "30s", "name")
        .contains("input", "fp32", "label", "bytes", "setosa", "7b", "1000")
        .contains(String.valueOf(1000 + SearchTerms.MAX_PAYLOAD_NUMBERS - 1))
        .doesNotContain(String.valueOf(1000 + SearchTerms.MAX_PAYLOAD_NUMBERS), "2e5");
    assertThat(terms.stream().filter(term -> term.matches("[0-9]+")))
        .as("number words of the payload, besides the error's 2")
        .hasSize(SearchTerms.MAX_PAYLOAD_NUMBERS + 1);
  }

  @Test
  void wordsBetweenNumbersAreKeptAfterTheNumberWordsRunOut() {
    String inputs =
        "[{\"data\":["
            + numberWordsToTheLimit(2000)
            + "-3.5e-2, 0.25, [1E+5, 7]], \"tags\":[12abc, 1.5E+3x, 4.x, 7é, 0x1F],"
            + " \"strings\":[\"eel\", true, false, \"9 lives\"]}]";
    AuditRecord record =
        AuditRecord.inference(T0, "req-1", "iris", "bob", Outcome.SUCCESS, 200, Duration.ZERO)
            .withPayload(inputs, null);

    List<String> terms = SearchTerms.of(record);

    assertThat(terms)
        .contains("data", "tags", "12abc", "3x", "x", "7é", "0x1f", "eel", "true", "lives")
        .contains("2000", String.valueOf(2000 + SearchTerms.MAX_PAYLOAD_NUMBERS - 1))
        .doesNotContain("3", "5e", "25", "1e", "9", "1");
  }

  @Test
  void aStretchOfNumbersEndsBeforeTheWordItRunsInto() {
    AuditRecord record =
        AuditRecord.inference(T0, "req-1", "iris", "bob", Outcome.SUCCESS, 200, Duration.ZERO)
            .withPayload(
                "[" + numberWordsToTheLimit(3000) + "[1, 2]x, 3,45abc,\t6\n7é 8.9e, -0.5+1]done",
                null);

    List<String> terms = SearchTerms.of(record);

    assertThat(terms)
        .contains(
            "x", "45abc", "7é", "done", String.valueOf(3000 + SearchTerms.MAX_PAYLOAD_NUMBERS - 1))
        .doesNotContain("1", "2", "3", "6", "8", "9e", "0", "5");
  }

  /** {@code first, first + 1, ...}: as many distinct numbers as a payload's words may hold. */
  private static String numberWordsToTheLimit(int first) {
    StringBuilder data = new StringBuilder();
    for (int index = 0; index < SearchTerms.MAX_PAYLOAD_NUMBERS; index++) {
      data.append(first + index).append(", ");
    }
    return data.toString();
  }

  @Test
  void businessKeysAreNameEqualsValue() {
    assertThat(SearchTerms.businessKeyTerms(TestRecords.everything(T0)))
        .containsExactly("customer_id=C-42", "order=a=b");
  }
}
