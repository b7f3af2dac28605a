package dev.pier.examples;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A dataset divided into rows a model is trained on and rows held out to test it. The division is a
 * seeded shuffle, so the generator and the tests agree on which rows were never seen in training.
 */
record Split<T>(List<T> training, List<T> test) {
  Split {
    training = List.copyOf(training);
    test = List.copyOf(test);
  }

  static <T> Split<T> shuffled(List<T> rows, double testFraction, long seed) {
    List<T> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(seed));
    int testSize = (int) Math.round(rows.size() * testFraction);
    return new Split<>(shuffled.subList(testSize, rows.size()), shuffled.subList(0, testSize));
  }
}
