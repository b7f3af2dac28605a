package dev.pier.audit.capture;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.testing.TestRecords;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuditPolicyTest {
  @Test
  void theDefaultRecordsEverythingAsItIs() {
    AuditRecord record = TestRecords.inference(T0, "r-1", "iris");

    assertThat(AuditPolicy.DEFAULT.samplePercent()).isEqualTo(100);
    assertThat(AuditPolicy.DEFAULT.capturePayload()).isTrue();
    assertThat(AuditPolicy.DEFAULT.apply(record)).contains(record);
  }

  @Test
  void samplingIsDecidedByTheRequestIdTheSameWayEveryTime() {
    AuditPolicy tenPercent = AuditPolicy.DEFAULT.withSamplePercent(10);
    int kept = 0;
    for (int index = 0; index < 20_000; index++) {
      boolean sampled = tenPercent.sampled("request-" + index);
      assertThat(tenPercent.sampled("request-" + index)).isEqualTo(sampled);
      if (sampled) {
        kept++;
      }
    }

    assertThat(kept).isBetween(1_800, 2_200);
    assertThat(AuditPolicy.DEFAULT.withSamplePercent(0).sampled("request-1")).isFalse();
    assertThat(AuditPolicy.DEFAULT.withSamplePercent(100).sampled(null)).isTrue();
    assertThat(AuditPolicy.bucket("request-7"))
        .isEqualTo(AuditPolicy.bucket("request-7"))
        .isBetween(0, 9_999);
  }

  @Test
  void aSampledAwayInferenceLeavesNoRecordButAnAdminEventAlwaysDoes() {
    AuditPolicy none =
        AuditPolicy.DEFAULT
            .withSamplePercent(0)
            .withPayloadCapture(false)
            .withRedactedFields(Set.of("version"));
    AuditRecord admin = TestRecords.admin(T0, "alice", "endpoint.update", "endpoint/iris");

    assertThat(none.apply(TestRecords.inference(T0, "r-1", "iris"))).isEmpty();
    assertThat(none.apply(admin)).contains(admin);
  }

  @Test
  void withoutPayloadCaptureInputsAndOutputsAreDroppedButErrorsAndKeysKept() {
    AuditPolicy policy =
        AuditPolicy.DEFAULT.withPayloadCapture(false).withBusinessKeyFields(Set.of("customer"));
    AuditRecord record =
        TestRecords.inference(T0, "r-1", "iris")
            .withPayload(
                "[{\"name\":\"customer\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"C-9\"]}]",
                "[]")
            .withError("bad input");

    AuditRecord kept = policy.apply(record).orElseThrow();

    assertThat(kept.inputs()).isNull();
    assertThat(kept.outputs()).isNull();
    assertThat(kept.error()).isEqualTo("bad input");
    assertThat(kept.businessKeys()).containsExactly(Map.entry("customer", "C-9"));
  }

  @Test
  void redactedFieldsAreMaskedInInputsAndOutputs() {
    AuditPolicy policy = AuditPolicy.DEFAULT.withRedactedFields(Set.of("ssn", "email"));
    AuditRecord record =
        TestRecords.inference(T0, "r-1", "iris")
            .withPayload(
                "[{\"name\":\"ssn\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"123-45-6789\"]},"
                    + "{\"name\":\"age\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[41]}]",
                "{\"email\":\"a@b.c\",\"score\":0.5}");

    AuditRecord kept = policy.apply(record).orElseThrow();

    assertThat(kept.inputs())
        .doesNotContain("123-45-6789")
        .contains("\"data\":\"***\"")
        .contains("[41]");
    assertThat(kept.outputs()).isEqualTo("{\"email\":\"***\",\"score\":0.5}");
  }

  @Test
  void aFieldCannotBeBothRedactedAndABusinessKey() {
    assertThatThrownBy(() -> new AuditPolicy(100, true, Set.of("ssn"), Set.of("ssn")))
        .hasMessageContaining("both redacted and business keys");
    assertThatThrownBy(() -> AuditPolicy.DEFAULT.withSamplePercent(101))
        .hasMessageContaining("sample percent");
  }

  @Test
  void endpointsWithoutAPolicyGetTheDefaults() {
    AuditPolicy quiet = AuditPolicy.DEFAULT.withSamplePercent(1);
    AuditPolicies policies = new AuditPolicies(AuditPolicy.DEFAULT, Map.of("chatty", quiet));

    assertThat(policies.forEndpoint("chatty")).isEqualTo(quiet);
    assertThat(policies.forEndpoint("iris")).isEqualTo(AuditPolicy.DEFAULT);
    assertThat(policies.forEndpoint(null)).isEqualTo(AuditPolicy.DEFAULT);
    assertThat(AuditPolicies.recordEverything().forEndpoint("x")).isEqualTo(AuditPolicy.DEFAULT);
  }
}
