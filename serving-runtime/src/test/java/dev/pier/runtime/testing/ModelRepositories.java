package dev.pier.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Builds throwaway model repositories for tests from the models the examples module generates, so a
 * test may add, change or break models without touching anyone else's.
 */
public final class ModelRepositories {
  private ModelRepositories() {}

  /** The examples module's directory (models/, models-test/, models-broken/, target/...). */
  public static Path examples() {
    String dir = System.getProperty("pier.examples.dir");
    if (dir == null) {
      throw new IllegalStateException("system property pier.examples.dir is not set");
    }
    return Path.of(dir).toAbsolutePath().normalize();
  }

  /** The generated repository with every model, the big MLP included. */
  public static Path generated() {
    return examples().resolve("target/model-repository");
  }

  /** Copies the named models from the generated repository into {@code target}. */
  public static Path copy(Path target, String... models) {
    for (String model : models) {
      copyTree(generated().resolve(model), target.resolve(model));
    }
    return target;
  }

  /** Copies a model directory from anywhere into the repository under the given name. */
  public static void copyModel(Path source, Path repository, String name) {
    copyTree(source, repository.resolve(name));
  }

  public static void writeConfig(Path repository, String model, String json) {
    try {
      Files.writeString(repository.resolve(model).resolve("config.json"), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path source, Path target) {
    if (!Files.isDirectory(source)) {
      throw new IllegalStateException(source + " does not exist: build the examples module first");
    }
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path destination = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(destination);
        } else {
          Files.copy(path, destination, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
