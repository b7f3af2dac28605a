package dev.pier.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NameRewriteTest {

  @Test
  void theFieldIsRenamedWhereverItIsAtTheTopLevel() {
    assertThat(rename("{\"model_name\":\"iris\",\"outputs\":[{\"model_name\":\"x\"}]}"))
        .isEqualTo("{\"model_name\":\"flowers\",\"outputs\":[{\"model_name\":\"x\"}]}");
    assertThat(
            rename(
                "{ \"outputs\" : [ {\"name\": \"label\", \"data\": [1, 2.5e3, \"a\\\"b\"]} ],"
                    + " \"nested\": {\"model_name\": \"no\"},\n  \"model_name\" : \"ir\\u0069s\" }"))
        .isEqualTo(
            "{ \"outputs\" : [ {\"name\": \"label\", \"data\": [1, 2.5e3, \"a\\\"b\"]} ],"
                + " \"nested\": {\"model_name\": \"no\"},\n  \"model_name\" : \"flowers\" }");
  }

  @Test
  void anAnswerWithoutTheFieldOrNotJsonIsLeftAsItIs() {
    assertThat(rename("{\"outputs\":[{\"model_name\":\"x\"}]}")).isNull();
    assertThat(rename("{\"model_name\": 3}")).isNull();
    assertThat(rename("[\"model_name\"]")).isNull();
    assertThat(rename("not json")).isNull();
    assertThat(rename("")).isNull();
  }

  @Test
  void theNewNameIsEscaped() {
    assertThat(
            new String(
                NameRewrite.rename(bytes("{\"name\":\"a\"}"), 12, "name", "q\"é"),
                StandardCharsets.UTF_8))
        .isEqualTo("{\"name\":\"q\\\"é\"}");
  }

  @Test
  void onlyTheJsonHeaderOfABinaryAnswerIsRewrittenAndTheTensorBytesFollowIt() {
    byte[] header = bytes("{\"model_name\":\"iris\",\"outputs\":[]}");
    byte[] tensor = {1, 0, 0, 0, '"', '}', (byte) 0xff, 0};
    byte[] body = Arrays.copyOf(header, header.length + tensor.length);
    System.arraycopy(tensor, 0, body, header.length, tensor.length);

    byte[] renamed = NameRewrite.rename(body, header.length, "model_name", "flowers");

    int newHeaderLength = header.length + renamed.length - body.length;
    assertThat(new String(renamed, 0, newHeaderLength, StandardCharsets.UTF_8))
        .isEqualTo("{\"model_name\":\"flowers\",\"outputs\":[]}");
    assertThat(Arrays.copyOfRange(renamed, newHeaderLength, renamed.length)).isEqualTo(tensor);
  }

  private static String rename(String json) {
    byte[] renamed = NameRewrite.rename(bytes(json), bytes(json).length, "model_name", "flowers");
    return renamed == null ? null : new String(renamed, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
