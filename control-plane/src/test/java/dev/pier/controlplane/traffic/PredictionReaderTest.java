package dev.pier.controlplane.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.traffic.Prediction.Classified;
import dev.pier.controlplane.traffic.Prediction.Regressed;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which output of an OIP answer is the prediction, and answers that have none. */
class PredictionReaderTest {

  private static List<Prediction> read(String json) {
    return PredictionReader.read(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anIrisAnswerGivesTheLabelNotTheArgmaxOfTheProbabilities() {
    String answer =
        """
        {"model_name":"iris","model_version":"1","id":"42","parameters":{"x":[1,{"y":2}]},
         "outputs":[
           {"name":"probabilities","datatype":"FP32","shape":[1,3],"data":[0.9,0.05,0.05]},
           {"name":"label","datatype":"INT64","shape":[1],"data":[2]}]}
        """;
    assertThat(read(answer)).containsExactly(new Classified(2));
  }

  @Test
  void aBatchGivesOnePredictionPerInstance() {
    String answer =
        """
        {"outputs":[{"name":"output_label","datatype":"INT64","shape":[3],"data":[0,1,2]},
                    {"name":"output_probability","datatype":"FP32","shape":[3,3],
                     "data":[[0.8,0.1,0.1],[0.1,0.8,0.1],[0.1,0.1,0.8]]}]}
        """;
    assertThat(read(answer))
        .containsExactly(new Classified(0), new Classified(1), new Classified(2));
  }

  @Test
  void aRegressorsColumnGivesItsValues() {
    String answer =
        """
        {"model_name":"houses","outputs":[
          {"name":"variable","datatype":"FP32","shape":[2,1],"data":[[1.5],[-2.25]]}]}
        """;
    assertThat(read(answer)).containsExactly(new Regressed(1.5), new Regressed(-2.25));
  }

  @Test
  void withoutAnIntegerOutputTheArgmaxOfScoresIsTheClass() {
    String answer =
        """
        {"outputs":[{"name":"logits","datatype":"FP64","shape":[2,4],
                     "data":[0.1,3.0,-1.0,2.9, 5,1,1,1]}]}
        """;
    assertThat(read(answer)).containsExactly(new Classified(1), new Classified(0));
  }

  @Test
  void preferredNamesWinWhenSeveralOutputsQualify() {
    String integers =
        """
        {"outputs":[{"name":"index","datatype":"INT32","shape":[1,1],"data":[7]},
                    {"name":"class","datatype":"INT32","shape":[1,1],"data":[3]}]}
        """;
    assertThat(read(integers)).containsExactly(new Classified(3));

    String floats =
        """
        {"outputs":[{"name":"scores","datatype":"FP32","shape":[1,2],"data":[0.2,0.8]},
                    {"name":"predictions","datatype":"FP32","shape":[1],"data":[41.5]}]}
        """;
    assertThat(read(floats)).containsExactly(new Regressed(41.5));

    String unnamed =
        """
        {"outputs":[{"name":"value","datatype":"FP32","shape":[1],"data":[41.5]},
                    {"name":"scores","datatype":"FP32","shape":[1,2],"data":[0.2,0.8]}]}
        """;
    assertThat(read(unnamed)).containsExactly(new Classified(1));
  }

  @Test
  void malformedOrUnexpectedAnswersGiveNothing() {
    assertThat(PredictionReader.read((byte[]) null)).isEmpty();
    assertThat(PredictionReader.read(new byte[0])).isEmpty();
    assertThat(read("not json")).isEmpty();
    assertThat(read("[1,2,3]")).isEmpty();
    assertThat(read("{\"outputs\":[{\"name\":\"label\",\"datatype\":\"INT64\",\"shape\":[1],"))
        .isEmpty();
    assertThat(read("{\"error\":\"model not ready\"}")).isEmpty();
    assertThat(read("{\"outputs\":[]}")).isEmpty();
    // The data do not match the shape.
    assertThat(
            read(
                "{\"outputs\":[{\"name\":\"label\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[1]}]}"))
        .isEmpty();
    // Strings, a negative class, a fractional class, a shape that is not a list of sizes.
    assertThat(
            read(
                "{\"outputs\":[{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"setosa\"]}]}"))
        .isEmpty();
    assertThat(
            read(
                "{\"outputs\":[{\"name\":\"label\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[-1]}]}"))
        .isEmpty();
    assertThat(
            read(
                "{\"outputs\":[{\"name\":\"label\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[1.5]}]}"))
        .isEmpty();
    assertThat(
            read(
                "{\"outputs\":[{\"name\":\"label\",\"datatype\":\"INT64\",\"shape\":[\"1\"],\"data\":[1]}]}"))
        .isEmpty();
    assertThat(
            read(
                "{\"outputs\":[{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":[1,2,2],\"data\":[1,2,3,4]}]}"))
        .isEmpty();
  }
}
