package dev.pier.audit.capture;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class InferenceRecordsTest {
  private static final AuditRecord TEMPLATE =
      AuditRecord.inference(
              T0, "req-1", "iris", "alice", Outcome.SUCCESS, 200, Duration.ofMillis(3))
          .withTarget("iris", "2");

  private static final String BATCH_REQUEST =
      """
      {"id": "req-1", "inputs": [
        {"name": "features", "datatype": "FP32", "shape": [3, 2], "data": [1.10, 2.0, 3.5, 4.25, 5e-1, 6]},
        {"name": "customer", "datatype": "BYTES", "shape": [3], "data": ["C-1", "C-2", "C-3"]}
      ]}
      """;
  private static final String BATCH_RESPONSE =
      """
      {"model_name": "iris", "outputs": [
        {"name": "label", "datatype": "INT64", "shape": [3, 1], "data": [[0], [2], [1]]},
        {"name": "model_info", "datatype": "BYTES", "shape": [1], "data": ["v2"]}
      ]}
      """;

  @Test
  void aBatchedRequestBecomesOneRecordPerInstance() {
    List<AuditRecord> records =
        InferenceRecords.split(TEMPLATE, BATCH_REQUEST, BATCH_RESPONSE, AuditPolicy.DEFAULT);

    assertThat(records).hasSize(3);
    assertThat(records).extracting(AuditRecord::instanceIndex).containsExactly(0, 1, 2);
    assertThat(records)
        .allSatisfy(
            record -> {
              assertThat(record.instanceCount()).isEqualTo(3);
              assertThat(record.requestId()).isEqualTo("req-1");
              assertThat(record.target()).isEqualTo("iris");
            });
    assertThat(records).extracting(AuditRecord::id).doesNotHaveDuplicates();
    assertThat(records.get(1).inputs())
        .isEqualTo(
            "[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[3.5,4.25]},"
                + "{\"name\":\"customer\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"C-2\"]}]");
    assertThat(records.get(0).inputs()).as("numbers keep their digits").contains("[1.10,2.0]");
    assertThat(records.get(2).inputs()).as("the same value, in plain notation").contains("[0.5,6]");
    assertThat(records.get(2).outputs())
        .isEqualTo(
            "[{\"name\":\"label\",\"datatype\":\"INT64\",\"shape\":[1,1],\"data\":[1]},"
                + "{\"name\":\"model_info\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"v2\"]}]");
  }

  @Test
  void eachInstanceGetsItsOwnBusinessKeyAndRedaction() {
    AuditPolicy policy =
        AuditPolicy.DEFAULT
            .withBusinessKeyFields(Set.of("customer"))
            .withRedactedFields(Set.of("features"));

    List<AuditRecord> records =
        InferenceRecords.split(TEMPLATE, BATCH_REQUEST, BATCH_RESPONSE, policy);

    assertThat(records)
        .extracting(record -> record.businessKeys().get("customer"))
        .containsExactly("C-1", "C-2", "C-3");
    assertThat(records)
        .allSatisfy(
            record ->
                assertThat(record.inputs()).contains("\"data\":\"***\"").doesNotContain("4.25"));
  }

  @Test
  void aSampledAwayRequestLeavesNoRecords() {
    assertThat(
            InferenceRecords.split(
                TEMPLATE, BATCH_REQUEST, BATCH_RESPONSE, AuditPolicy.DEFAULT.withSamplePercent(0)))
        .isEmpty();
  }

  @Test
  void nestedDataIsSlicedByRow() {
    String request =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,2],\"data\":[[1,2],[3,4]]}]}";

    List<AuditRecord> records =
        InferenceRecords.split(TEMPLATE, request, null, AuditPolicy.DEFAULT);

    assertThat(records)
        .extracting(AuditRecord::inputs)
        .containsExactly(
            "[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1,2]}]",
            "[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[3,4]}]");
    assertThat(records).allSatisfy(record -> assertThat(record.outputs()).isNull());
  }

  @Test
  void requestsThatCannotBeSlicedGiveOneRecord() {
    List<String> requests =
        List.of(
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[],\"data\":[7]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"data\":[1,2]},{\"name\":\"y\",\"shape\":[3],\"data\":[1,2,3]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,2],\"data\":[1,2,3]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[4],\"parameters\":{\"binary_data_size\":16}}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[\"two\"],\"data\":[1,2]}]}");
    for (String request : requests) {
      List<AuditRecord> records =
          InferenceRecords.split(TEMPLATE, request, null, AuditPolicy.DEFAULT);

      assertThat(records)
          .as(request)
          .singleElement()
          .satisfies(
              record -> {
                assertThat(record.instanceCount()).isEqualTo(1);
                assertThat(record.id()).isEqualTo(TEMPLATE.id());
                assertThat(record.inputs()).startsWith("[{\"name\":\"x\"");
              });
    }
  }

  @Test
  void aBodyThatIsNotOipIsKeptAsItIs() {
    List<AuditRecord> records =
        InferenceRecords.split(
            TEMPLATE, "not json at all", "{\"answer\": 42}", AuditPolicy.DEFAULT);

    assertThat(records)
        .singleElement()
        .satisfies(
            record -> {
              assertThat(record.inputs()).isEqualTo("not json at all");
              assertThat(record.outputs()).isEqualTo("{\"answer\": 42}");
            });
  }

  @Test
  void anErrorResponseBecomesTheRecordsError() {
    AuditRecord failed = TEMPLATE.withPayload(null, null);
    String request = "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"data\":[1,2]}]}";

    List<AuditRecord> records =
        InferenceRecords.split(
            failed, request, "{\"error\": \"shape mismatch\"}", AuditPolicy.DEFAULT);

    assertThat(records)
        .hasSize(2)
        .allSatisfy(
            record -> {
              assertThat(record.error()).isEqualTo("shape mismatch");
              assertThat(record.outputs()).isNull();
            });
    assertThat(
            InferenceRecords.split(
                failed.withError("timeout"), request, "{\"error\": \"x\"}", AuditPolicy.DEFAULT))
        .allSatisfy(record -> assertThat(record.error()).isEqualTo("timeout"));
  }

  @Test
  void aSingleInstanceKeepsItsPayloadAsSent() {
    String request =
        "{\"id\":\"r\", \"inputs\": [ {\"name\":\"x\",\"shape\":[1,2],\"data\":[5e-1, 1.10]} ]}";
    String response = "{\"model_name\":\"iris\",\"outputs\": [{\"name\":\"y\",\"data\":[2.50]}]}";

    assertThat(InferenceRecords.split(TEMPLATE, request, response, AuditPolicy.DEFAULT))
        .singleElement()
        .satisfies(
            record -> {
              assertThat(record.inputs())
                  .isEqualTo("[ {\"name\":\"x\",\"shape\":[1,2],\"data\":[5e-1, 1.10]} ]");
              assertThat(record.outputs()).isEqualTo("[{\"name\":\"y\",\"data\":[2.50]}]");
            });
  }

  @Test
  void theStreamingPassAgreesWithTheTreesOnEveryUnbatchedShape() {
    List<String> requests =
        List.of(
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[],\"data\":[7]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"data\":[1,2]},{\"shape\":[3],\"data\":[1,2,3]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,2],\"data\":[1,2,3]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2.0],\"data\":[1,2]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[0,3],\"data\":[]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[99999999999],\"data\":[1]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"data\":[{\"a\":1},{\"b\":[1,2]}]}]}",
            "{\"inputs\":[]}",
            "{\"inputs\":{\"x\":[1]}}",
            "{\"inputs\":[1,2]}",
            "{\"parameters\":{\"inputs\":[1]}}",
            "[1,2,3]",
            "{\"inputs\":[",
            "");
    List<String> responses =
        List.of(
            "{\"outputs\":[{\"name\":\"y\",\"shape\":[2],\"data\":[1,2]}]}",
            "{\"error\":\"shape mismatch\"}",
            "{\"error\":{\"code\":3}}",
            "{\"outputs\":{\"y\":1},\"error\":\"both\"}",
            "not json",
            "");
    for (String request : requests) {
      for (String response : responses) {
        List<AuditRecord> trees = InferenceRecords.fromTrees(TEMPLATE, request, response);
        List<AuditRecord> streamed = InferenceRecords.instances(TEMPLATE, request, response);
        String what = request + " -> " + response;
        assertThat(streamed).as(what).hasSameSizeAs(trees);
        for (int index = 0; index < trees.size(); index++) {
          assertThat(streamed.get(index).error()).as(what).isEqualTo(trees.get(index).error());
          assertThat(sameJson(streamed.get(index).inputs(), trees.get(index).inputs()))
              .as(what + ": inputs " + streamed.get(index).inputs())
              .isTrue();
          assertThat(sameJson(streamed.get(index).outputs(), trees.get(index).outputs()))
              .as(what + ": outputs " + streamed.get(index).outputs())
              .isTrue();
        }
      }
    }
  }

  private static boolean sameJson(String a, String b) {
    JsonNode left = Payloads.parse(a);
    JsonNode right = Payloads.parse(b);
    return left == null || right == null ? Objects.equals(a, b) : left.equals(right);
  }

  @Test
  void withoutARequestIdTheRequestsTopLevelIdIsTakenElseOneIsMade() {
    AuditRecord unidentified = TEMPLATE.withRequestId(null);
    Map<String, String> idOf =
        Map.of(
            "{\"id\":\"r-1\",\"inputs\":[]}",
            "r-1",
            "{\"inputs\":[{\"name\":\"x\",\"parameters\":{\"id\":\"nested\"},\"data\":[1]}],"
                + "\"id\":\"r-2\"}",
            "r-2");
    idOf.forEach(
        (request, id) ->
            assertThat(InferenceRecords.split(unidentified, request, null, AuditPolicy.DEFAULT))
                .singleElement()
                .extracting(AuditRecord::requestId)
                .isEqualTo(id));
    for (String request :
        List.of(
            "{\"inputs\":[{\"id\":\"nested\"}]}",
            "{\"id\":42}",
            "{\"id\":\"  \"}",
            "{\"id\":",
            "[1,2]")) {
      assertThat(InferenceRecords.split(unidentified, request, null, AuditPolicy.DEFAULT))
          .as(request)
          .singleElement()
          .satisfies(record -> assertThat(UUID.fromString(record.requestId())).isNotNull());
    }
    assertThat(InferenceRecords.split(TEMPLATE, "{\"id\":\"other\"}", null, AuditPolicy.DEFAULT))
        .as("a given request id stays")
        .singleElement()
        .extracting(AuditRecord::requestId)
        .isEqualTo("req-1");
  }

  @Test
  void businessKeysAreReadFromPlainObjectsToo() {
    assertThat(
            BusinessKeys.read(
                "{\"customer\":\"C-7\",\"nested\":{\"a\":1}}", Set.of("customer", "nested")))
        .isEqualTo(Map.of("customer", "C-7"));
  }
}
