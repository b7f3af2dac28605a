package dev.pier.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * Trains Tribuo's linear models on rows of features, single-threaded and seeded so that every run
 * gives the same weights.
 */
final class LinearModels {
  /**
   * Tribuo logs every training run at INFO; that is noise in a build. Held so it is not collected.
   */
  private static final Logger TRIBUO_LOGGER = Logger.getLogger("org.tribuo");

  static {
    TRIBUO_LOGGER.setLevel(Level.WARNING);
  }

  private LinearModels() {}

  /** Multinomial logistic regression: its exported graph ends in a softmax over the classes. */
  static org.tribuo.classification.sgd.linear.LinearSGDModel classifier(
      List<String> columns, List<double[]> features, List<String> labels, int epochs, long seed) {
    LabelFactory factory = new LabelFactory();
    List<Label> outputs = labels.stream().map(Label::new).toList();
    var trainer =
        new org.tribuo.classification.sgd.linear.LinearSGDTrainer(
            new LogMulticlass(), new AdaGrad(0.5), epochs, -1, 1, seed);
    var model = trainer.train(dataset(factory, columns, features, outputs));
    checkFeatureOrder(model.getFeatureIDMap(), columns);
    return model;
  }

  /** Least-squares linear regression of one target named {@code target}. */
  static org.tribuo.regression.sgd.linear.LinearSGDModel regressor(
      List<String> columns,
      List<double[]> features,
      String target,
      List<Double> values,
      int epochs,
      long seed) {
    RegressionFactory factory = new RegressionFactory();
    List<Regressor> outputs = values.stream().map(value -> new Regressor(target, value)).toList();
    var trainer =
        new org.tribuo.regression.sgd.linear.LinearSGDTrainer(
            new SquaredLoss(), new AdaGrad(0.5), epochs, -1, 1, seed);
    var model = trainer.train(dataset(factory, columns, features, outputs));
    checkFeatureOrder(model.getFeatureIDMap(), columns);
    return model;
  }

  /**
   * The class names in the order of the model's output columns. Tribuo numbers labels in the order
   * of a hash map, not alphabetically or by first appearance, so this order must be read back.
   */
  static List<String> labels(ImmutableOutputInfo<Label> outputs) {
    List<String> labels = new ArrayList<>(outputs.size());
    for (int id = 0; id < outputs.size(); id++) {
      labels.add(outputs.getOutput(id).getLabel());
    }
    return labels;
  }

  private static <T extends Output<T>> MutableDataset<T> dataset(
      OutputFactory<T> factory, List<String> columns, List<double[]> features, List<T> outputs) {
    MutableDataset<T> dataset =
        new MutableDataset<>(new SimpleDataSourceProvenance("pier examples", factory), factory);
    String[] names = featureNames(columns);
    for (int row = 0; row < features.size(); row++) {
      Example<T> example = new ArrayExample<>(outputs.get(row), names, features.get(row));
      dataset.add(example);
    }
    return dataset;
  }

  /**
   * Tribuo numbers features in the sorted order of their names, and its exported graph reads them
   * in that order. Prefixing the column position makes the sorted order the column order.
   */
  private static String[] featureNames(List<String> columns) {
    String[] names = new String[columns.size()];
    for (int column = 0; column < names.length; column++) {
      names[column] = String.format("%03d %s", column, columns.get(column));
    }
    return names;
  }

  private static void checkFeatureOrder(ImmutableFeatureMap features, List<String> columns) {
    String[] names = featureNames(columns);
    for (int column = 0; column < names.length; column++) {
      if (features.size() != names.length || features.getID(names[column]) != column) {
        throw new IllegalStateException(
            "feature " + names[column] + " is not input column " + column + " of the model");
      }
    }
  }
}
