package dev.pier.controlplane.traffic;

/**
 * What one instance of an inference answer predicted, reduced to what a rollout compares: a class
 * for classifiers, a number for regressors, or nothing recognisable.
 */
public sealed interface Prediction {
  /** The one {@link None}, so the hot path allocates nothing for answers it cannot read. */
  Prediction NONE = new None();

  /** A classifier's answer: the index of the predicted class. */
  record Classified(int classIndex) implements Prediction {
    public Classified {
      if (classIndex < 0) {
        throw new IllegalArgumentException("classIndex must be >= 0, was " + classIndex);
      }
    }
  }

  /** A regressor's answer. */
  record Regressed(double value) implements Prediction {}

  /** No prediction could be read (an error, or an output this package does not understand). */
  record None() implements Prediction {}
}
