package dev.pier.examples;

import static dev.pier.examples.GraphBuilder.Dimension.batch;
import static dev.pier.examples.GraphBuilder.Dimension.fixed;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fuel economy regressor: miles per gallon from six numeric specifications of a car, from the
 * StatLib auto-mpg data (vega-datasets 3.2.1 cars.json). The graph standardises its input itself.
 */
final class CarsMpgModel {
  static final String NAME = "cars_mpg";

  /** The dataset's columns, in the order of the input's columns. */
  static final List<String> COLUMNS =
      List.of("Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Year");

  private static final String TARGET = "Miles_per_Gallon";
  private static final long SEED = 3;
  private static final int EPOCHS = 50;

  private CarsMpgModel() {}

  record Car(double[] specifications, double milesPerGallon) {}

  /** The cars with every value present; the model year becomes a number such as 1970. */
  static List<Car> cars() {
    List<Car> cars = new ArrayList<>();
    for (Object value : Json.readDataset("cars.json")) {
      Map<?, ?> row = (Map<?, ?>) value;
      List<?> specifications = COLUMNS.stream().map(row::get).toList();
      if (specifications.stream().allMatch(Objects::nonNull) && row.get(TARGET) != null) {
        cars.add(
            new Car(
                specifications.stream().mapToDouble(CarsMpgModel::number).toArray(),
                (Double) row.get(TARGET)));
      }
    }
    return cars;
  }

  static Split<Car> split() {
    return Split.shuffled(cars(), 0.2, SEED);
  }

  static GeneratedModel generate() {
    List<Car> training = split().training();
    Standardisation standardisation =
        Standardisation.fit(training.stream().map(Car::specifications).toList());
    var model =
        LinearModels.regressor(
            COLUMNS,
            standardisation.apply(training.stream().map(Car::specifications).toList()),
            "mpg",
            training.stream().map(Car::milesPerGallon).toList(),
            EPOCHS,
            SEED);

    GraphBuilder graph =
        new GraphBuilder(NAME).input("features", DataType.FLOAT, batch(), fixed(COLUMNS.size()));
    String features = standardisation.writeTo(graph, "features");
    graph.node("Identity", List.of(graph.linearModel(model, features, COLUMNS.size())), "mpg");
    graph.output("mpg", DataType.FLOAT, batch(), fixed(1));
    String description =
        "Miles per gallon from 'features': cylinders, displacement (cubic inches), horsepower,"
            + " weight (lbs), acceleration (seconds 0-60 mph) and model year (e.g. 1970). Linear"
            + " regression trained with Tribuo on "
            + training.size()
            + " complete rows of the StatLib auto-mpg cars (vega-datasets 3.2.1). Output 'mpg'.";
    return GeneratedModel.of(NAME, graph.build(description, List.of()));
  }

  /** Numbers as they are; the year, stored as a date such as "1970-01-01", as its year. */
  private static double number(Object value) {
    return value instanceof String date ? Integer.parseInt(date.substring(0, 4)) : (Double) value;
  }
}
