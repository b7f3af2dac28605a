package dev.pier.examples;

import static dev.pier.examples.GraphBuilder.Dimension.batch;
import static dev.pier.examples.GraphBuilder.Dimension.fixed;
import static dev.pier.examples.GraphBuilder.attribute;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The penguin species classifier, from the Palmer penguins (vega-datasets 3.2.1). It takes two of
 * its inputs as strings, so it exercises string tensors end to end: the graph one-hot encodes them
 * itself and standardises the measurements, so callers send the raw values.
 */
final class PenguinsModel {
  static final String NAME = "penguins";

  static final List<String> ISLANDS = List.of("Biscoe", "Dream", "Torgersen");
  static final List<String> SEXES = List.of("FEMALE", "MALE");
  static final List<String> MEASUREMENTS =
      List.of("Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)");

  private static final long SEED = 2;
  private static final int EPOCHS = 50;

  private PenguinsModel() {}

  record Penguin(String island, String sex, double[] measurements, String species) {}

  /** The penguins with every value present: rows with a missing measurement or sex are dropped. */
  static List<Penguin> penguins() {
    List<Penguin> penguins = new ArrayList<>();
    for (Object value : Json.readDataset("penguins.json")) {
      Map<?, ?> row = (Map<?, ?>) value;
      List<?> measurements = MEASUREMENTS.stream().map(row::get).toList();
      // The source marks one unknown sex with "." rather than null.
      boolean complete =
          measurements.stream().allMatch(Objects::nonNull)
              && row.get("Sex") instanceof String sex
              && SEXES.contains(sex);
      if (complete) {
        penguins.add(
            new Penguin(
                (String) row.get("Island"),
                (String) row.get("Sex"),
                measurements.stream().mapToDouble(number -> (Double) number).toArray(),
                (String) row.get("Species")));
      }
    }
    return penguins;
  }

  static Split<Penguin> split() {
    return Split.shuffled(penguins(), 0.2, SEED);
  }

  static GeneratedModel generate() {
    List<Penguin> training = split().training();
    Standardisation standardisation =
        Standardisation.fit(training.stream().map(Penguin::measurements).toList());
    List<String> columns =
        Stream.of(
                ISLANDS.stream().map(island -> "island " + island),
                SEXES.stream().map(sex -> "sex " + sex),
                MEASUREMENTS.stream())
            .flatMap(stream -> stream)
            .toList();
    var model =
        LinearModels.classifier(
            columns,
            training.stream().map(penguin -> features(penguin, standardisation)).toList(),
            training.stream().map(Penguin::species).toList(),
            EPOCHS,
            SEED);
    List<String> labels = LinearModels.labels(model.getOutputIDInfo());

    GraphBuilder graph =
        new GraphBuilder(NAME)
            .input("island", DataType.STRING, batch(), fixed(1))
            .input("sex", DataType.STRING, batch(), fixed(1))
            .input("measurements", DataType.FLOAT, batch(), fixed(MEASUREMENTS.size()));
    String features =
        graph.node(
            "Concat",
            List.of(
                oneHot(graph, "island", ISLANDS),
                oneHot(graph, "sex", SEXES),
                standardisation.writeTo(graph, "measurements")),
            "features",
            attribute("axis", 1));
    graph.classifierOutputs(graph.linearModel(model, features, columns.size()), labels.size());
    String description =
        "Penguin species from 'island' (Biscoe, Dream or Torgersen), 'sex' (FEMALE or MALE) and"
            + " 'measurements': beak length mm, beak depth mm, flipper length mm, body mass g."
            + " Multinomial logistic regression trained with Tribuo on "
            + training.size()
            + " complete rows of the Palmer penguins (vega-datasets 3.2.1). An island or sex"
            + " outside those lists encodes as all zeros. Outputs 'label' (index into the labels)"
            + " and 'probabilities'.";
    return GeneratedModel.of(NAME, graph.build(description, labels), labels);
  }

  /** The encoding the graph computes, computed in Java for training. */
  private static double[] features(Penguin penguin, Standardisation standardisation) {
    double[] features = new double[ISLANDS.size() + SEXES.size() + MEASUREMENTS.size()];
    features[ISLANDS.indexOf(penguin.island())] = 1;
    features[ISLANDS.size() + SEXES.indexOf(penguin.sex())] = 1;
    double[] measurements = standardisation.apply(penguin.measurements());
    System.arraycopy(measurements, 0, features, ISLANDS.size() + SEXES.size(), measurements.length);
    return features;
  }

  /** [batch, 1] strings to [batch, categories] floats; an unknown category encodes as all zeros. */
  private static String oneHot(GraphBuilder graph, String input, List<String> categories) {
    String encoded =
        graph.machineLearningNode(
            "OneHotEncoder",
            List.of(input),
            input + "_one_hot",
            attribute("cats_strings", categories),
            attribute("zeros", 1));
    // The encoder appends the categories axis, giving [batch, 1, categories].
    return graph.node("Flatten", List.of(encoded), input + "_encoded", attribute("axis", 1));
  }
}
