package dev.pier.audit;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.audit.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditRecordJsonTest {
  @Test
  void everyFieldSurvivesTheRoundTrip() {
    List<AuditRecord> records =
        TestRecords.sealed(
            "node.inference",
            2,
            index ->
                index == 0
                    ? TestRecords.everything(T0)
                    : TestRecords.admin(T0, "alice", "model.create", "model/iris"));

    for (AuditRecord record : records) {
      assertThat(AuditRecordJson.fromBytes(AuditRecordJson.toBytes(record))).isEqualTo(record);
    }
  }

  @Test
  void payloadsStayTextAndNullsAreLeftOut() {
    AuditRecord record =
        TestRecords.admin(T0, "alice", "model.delete", "model/old").withPayload(null, null);
    String json = new String(AuditRecordJson.toBytes(record), StandardCharsets.UTF_8);

    assertThat(json)
        .contains("\"before\":\"{\\\"version\\\":1}\"")
        .contains("\"time\":\"2026-11-20T10:15:30.123456Z\"")
        .doesNotContain("\"inputs\"")
        .doesNotContain("\"stream\"");
  }

  @Test
  void fieldsAreWrittenInTheListedOrder() {
    AuditRecord record = TestRecords.sealed("s", 1, index -> TestRecords.everything(T0)).get(0);
    List<String> names = new ArrayList<>();
    AuditRecordJson.mapper()
        .readTree(AuditRecordJson.toBytes(record))
        .propertyNames()
        .forEach(names::add);

    assertThat(names)
        .containsExactlyElementsOf(
            AuditRecordJson.FIELDS.stream().filter(names::contains).toList());
    assertThat(AuditRecordJson.FIELDS)
        .as("all but before, after, signature")
        .containsAll(names)
        .hasSize(names.size() + 3);
  }

  @Test
  void unknownFieldsAreSkipped() {
    String json =
        new String(
            AuditRecordJson.toBytes(TestRecords.inference(T0, "r", "iris")),
            StandardCharsets.UTF_8);
    String withExtras =
        json.replaceFirst("\\{", "{\"search_text\":\"a b\",\"extra\":{\"nested\":[1,2]},");

    assertThat(AuditRecordJson.fromJson(withExtras)).isEqualTo(AuditRecordJson.fromJson(json));
  }

  @Test
  void aRecordWithoutRequiredFieldsIsRefused() {
    assertThatThrownBy(() -> AuditRecordJson.fromJson("{\"id\":\"x\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditRecordJson.fromJson("[]"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
