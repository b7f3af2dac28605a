package dev.pier.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InferenceAuditTest {
  @Test
  void theRequestIdIsTheTopLevelIdWhereverItStands() {
    assertThat(InferenceAudit.requestId("{\"id\":\"r-1\",\"inputs\":[]}")).isEqualTo("r-1");
    assertThat(
            InferenceAudit.requestId(
                "{\"inputs\":[{\"name\":\"x\",\"parameters\":{\"id\":\"nested\"},\"data\":[1]}],"
                    + "\"id\":\"r-2\"}"))
        .isEqualTo("r-2");
  }

  @Test
  void noUsableIdGivesNone() {
    assertThat(InferenceAudit.requestId("{\"inputs\":[{\"id\":\"nested\"}]}")).isNull();
    assertThat(InferenceAudit.requestId("{\"id\":42}")).isNull();
    assertThat(InferenceAudit.requestId("{\"id\":\"  \"}")).isNull();
    assertThat(InferenceAudit.requestId("{\"id\":")).isNull();
    assertThat(InferenceAudit.requestId("[1,2]")).isNull();
    assertThat(InferenceAudit.requestId(null)).isNull();
  }
}
