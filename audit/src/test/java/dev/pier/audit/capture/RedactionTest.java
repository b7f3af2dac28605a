package dev.pier.audit.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RedactionTest {
  private final Redaction redaction = Redaction.of(Set.of("ssn"));

  @Test
  void aNamedTensorsDataIsMasked() {
    assertThat(
            redaction.apply(
                "[{\"name\":\"ssn\",\"datatype\":\"BYTES\",\"shape\":[2],\"data\":[\"1\",\"2\"]}]"))
        .isEqualTo("[{\"name\":\"ssn\",\"datatype\":\"BYTES\",\"shape\":[2],\"data\":\"***\"}]");
  }

  @Test
  void aMemberOfThatNameIsMaskedAtAnyDepth() {
    assertThat(
            redaction.apply("{\"customer\":{\"ssn\":\"123\",\"tags\":[{\"ssn\":[1,2]}]},\"x\":1}"))
        .isEqualTo("{\"customer\":{\"ssn\":\"***\",\"tags\":[{\"ssn\":\"***\"}]},\"x\":1}");
  }

  @Test
  void aPayloadWithNothingToMaskIsKeptByteForByte() {
    String payload = "{ \"a\" : 1.50, \"b\": [ 1e3 ] }";

    assertThat(redaction.apply(payload)).isSameAs(payload);
    assertThat(Redaction.none().apply(payload)).isSameAs(payload);
    assertThat(redaction.apply(null)).isNull();
  }

  @Test
  void aPayloadThatIsNotJsonIsReplacedWhole() {
    assertThat(redaction.apply("ssn=123-45-6789")).isEqualTo(Redaction.UNREADABLE);
  }
}
