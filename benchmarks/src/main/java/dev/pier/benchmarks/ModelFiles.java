package dev.pier.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The example model repository on disk, and the copies the harnesses make of it. */
final class ModelFiles {
  private ModelFiles() {}

  /** The model file of the highest numeric version directory of {@code model}. */
  static Path modelFile(Path modelsDirectory, String model) throws IOException {
    Path directory = modelsDirectory.resolve(model);
    if (!Files.isDirectory(directory)) {
      throw new IOException(
          directory
              + " is missing: build the examples (./mvnw -q -pl examples package -DskipTests)");
    }
    try (Stream<Path> versions = Files.list(directory)) {
      Path version =
          versions
              .filter(p -> p.getFileName().toString().matches("[1-9][0-9]*"))
              .max(Comparator.comparingLong(ModelFiles::versionOf))
              .orElseThrow(() -> new IOException("no version directory under model " + model));
      return version.resolve("model.onnx").toAbsolutePath();
    }
  }

  private static long versionOf(Path directory) {
    return Long.parseLong(directory.getFileName().toString());
  }

  static void copyTree(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      throw new IOException(
          from + " is missing: build the examples (./mvnw -q -pl examples package -DskipTests)");
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /**
   * A private copy of {@code jar} in {@code directory}: a rebuild during the run must not pull the
   * jar away from a server that is still starting.
   */
  static Path privateCopy(Path jar, Path directory, String rebuild) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(jar + " is missing: " + rebuild);
    }
    return Files.copy(jar, directory.resolve(jar.getFileName()));
  }
}
