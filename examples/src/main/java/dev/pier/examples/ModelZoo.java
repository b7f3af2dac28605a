package dev.pier.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates Pier's example and test models into Triton-style model repositories.
 *
 * <pre>
 * ModelZoo REPOSITORY
 *     every loadable model (examples, mlp, test models) in one repository; the build writes
 *     examples/target/model-repository this way
 * ModelZoo --committed EXAMPLES_DIRECTORY
 *     rewrites the committed repositories: models/ (examples without mlp), models-test/ and
 *     models-broken/
 * </pre>
 */
public final class ModelZoo {
  static final String EXAMPLES_DIRECTORY = "models";
  static final String TEST_DIRECTORY = "models-test";
  static final String BROKEN_DIRECTORY = "models-broken";

  private ModelZoo() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 1 && !args[0].startsWith("-")) {
      List<GeneratedModel> models = new ArrayList<>(examples());
      models.add(MultiLayerPerceptron.generate());
      models.addAll(TestModels.loadable());
      write(Path.of(args[0]), models);
    } else if (args.length == 2 && args[0].equals("--committed")) {
      Path examples = Path.of(args[1]);
      write(examples.resolve(EXAMPLES_DIRECTORY), examples());
      write(examples.resolve(TEST_DIRECTORY), TestModels.loadable());
      write(examples.resolve(BROKEN_DIRECTORY), TestModels.broken());
    } else {
      System.err.println("usage: ModelZoo REPOSITORY | ModelZoo --committed EXAMPLES_DIRECTORY");
      System.exit(2);
    }
  }

  /** The models trained on real data, small enough to commit. */
  static List<GeneratedModel> examples() {
    return List.of(IrisModel.generate(), PenguinsModel.generate(), CarsMpgModel.generate());
  }

  private static void write(Path repository, List<GeneratedModel> models) throws IOException {
    for (GeneratedModel model : models) {
      model.writeTo(repository);
    }
    System.out.println("Wrote " + models.size() + " models to " + repository);
  }
}
