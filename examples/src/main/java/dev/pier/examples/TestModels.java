package dev.pier.examples;

import static dev.pier.examples.GraphBuilder.Dimension.batch;
import static dev.pier.examples.GraphBuilder.Dimension.fixed;
import static dev.pier.examples.GraphBuilder.Dimension.named;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Small synthetic models whose behaviour a serving runtime's tests can predict exactly, and files
 * that must fail to load.
 */
final class TestModels {
  static final String ADD_SUB = "add_sub";
  static final String ALWAYS_FAILS = "always_fails";
  static final String CORRUPT = "corrupt";
  static final String TRUNCATED = "truncated";

  private static final long SEED = 5;

  private TestModels() {}

  /** An identity model for every OIP datatype, then add_sub. */
  static List<GeneratedModel> loadable() {
    List<GeneratedModel> models = new ArrayList<>();
    for (OipDatatype datatype : OipDatatype.values()) {
      models.add(identity(datatype));
    }
    models.add(addSub());
    models.add(alwaysFails());
    return models;
  }

  /**
   * {@code output} = {@code input}, both [batch, elements] of one type: for datatype round trips.
   */
  static GeneratedModel identity(OipDatatype datatype) {
    String name = datatype.identityModelName();
    GraphBuilder graph =
        new GraphBuilder(name)
            .input("input", datatype.onnxType, batch(), named("elements"))
            .output("output", datatype.onnxType, batch(), named("elements"));
    graph.node("Identity", List.of("input"), "output");
    String description =
        "Returns 'input' unchanged as 'output', both " + datatype + " [batch, elements].";
    return GeneratedModel.of(name, graph.build(description, List.of()));
  }

  /**
   * {@code sum} = a + b and {@code difference} = a - b over FP32 [batch, 4]: two outputs for tests
   * that request a subset, and a fixed second dimension for tests of shape validation.
   */
  static GeneratedModel addSub() {
    GraphBuilder graph =
        new GraphBuilder(ADD_SUB)
            .input("a", DataType.FLOAT, batch(), fixed(4))
            .input("b", DataType.FLOAT, batch(), fixed(4))
            .output("sum", DataType.FLOAT, batch(), fixed(4))
            .output("difference", DataType.FLOAT, batch(), fixed(4));
    graph.node("Add", List.of("a", "b"), "sum");
    graph.node("Sub", List.of("a", "b"), "difference");
    String description = "'sum' = a + b and 'difference' = a - b, all FP32 [batch, 4].";
    return GeneratedModel.of(ADD_SUB, graph.build(description, List.of()));
  }

  /**
   * Loads, but fails every inference: {@code features} FP32 [batch, width] plus a constant of 5
   * values cannot broadcast for any width but 1 or 5, and the width is left open so that ONNX
   * Runtime cannot refuse the graph at load time. Registered as a new version of a model that takes
   * [batch, 4] features (iris), it is a canary that answers every request with an error.
   */
  static GeneratedModel alwaysFails() {
    GraphBuilder graph =
        new GraphBuilder(ALWAYS_FAILS)
            .input("features", DataType.FLOAT, batch(), named("width"))
            .output("scores", DataType.FLOAT, batch(), fixed(5));
    String offsets = graph.initializer("offsets", new float[] {1, 2, 3, 4, 5}, 5);
    graph.node("Add", List.of("features", offsets), "scores");
    String description =
        "Fails at inference for [batch, 4] features: 'features' + a constant of 5 values.";
    return GeneratedModel.of(ALWAYS_FAILS, graph.build(description, List.of()));
  }

  /**
   * Files named model.onnx that are not loadable models: random bytes, and the first half of a
   * valid model, as a failed upload or disk would leave it.
   */
  static List<GeneratedModel> broken() {
    byte[] random = new byte[1024];
    new Random(SEED).nextBytes(random);
    byte[] valid = addSub().onnx();
    byte[] truncated = Arrays.copyOf(valid, valid.length / 2);
    return List.of(
        new GeneratedModel(CORRUPT, random, List.of()),
        new GeneratedModel(TRUNCATED, truncated, List.of()));
  }
}
