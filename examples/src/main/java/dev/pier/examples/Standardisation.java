package dev.pier.examples;

import java.util.List;

/**
 * Per-column mean and standard deviation of the training rows. Models train on standardised values
 * (plain SGD converges poorly when one column is in grams and another in millimetres), and the same
 * scaling is written into the graph so callers send raw measurements.
 */
record Standardisation(float[] means, float[] deviations) {
  static Standardisation fit(List<double[]> rows) {
    int width = rows.getFirst().length;
    float[] means = new float[width];
    float[] deviations = new float[width];
    for (int column = 0; column < width; column++) {
      double sum = 0;
      for (double[] row : rows) {
        sum += row[column];
      }
      double mean = sum / rows.size();
      double squares = 0;
      for (double[] row : rows) {
        squares += (row[column] - mean) * (row[column] - mean);
      }
      means[column] = (float) mean;
      deviations[column] = (float) Math.sqrt(squares / rows.size());
    }
    return new Standardisation(means, deviations);
  }

  /** Uses the float parameters the graph will use, so training sees what serving computes. */
  double[] apply(double[] row) {
    double[] scaled = new double[row.length];
    for (int column = 0; column < row.length; column++) {
      scaled[column] = ((float) row[column] - means[column]) / deviations[column];
    }
    return scaled;
  }

  List<double[]> apply(List<double[]> rows) {
    return rows.stream().map(this::apply).toList();
  }

  /** Writes {@code (input - mean) / deviation}; returns the name of the standardised tensor. */
  String writeTo(GraphBuilder graph, String input) {
    long width = means.length;
    String means = graph.initializer(input + "_means", this.means, width);
    String deviations = graph.initializer(input + "_deviations", this.deviations, width);
    String centred = graph.node("Sub", List.of(input, means), input + "_centred");
    return graph.node("Div", List.of(centred, deviations), input + "_standardised");
  }
}
