package dev.pier.controlplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The serving runtime's packaged jar, which the build passes as {@code pier.runtime.jar}, and
 * runtimes started from it by the test itself, the way an operator starts one on another host.
 */
public final class RuntimeJar {
  private RuntimeJar() {}

  public static Path path() {
    String jar = System.getProperty("pier.runtime.jar");
    if (jar == null) {
      throw new IllegalStateException(
          "system property pier.runtime.jar is not set: run integration tests through failsafe");
    }
    return Path.of(jar);
  }

  /**
   * Starts a runtime on free ports with its own empty repository under {@code directory}, its
   * output in {@code directory/runtime.log}; {@code settings} are more {@code --key value} pairs.
   */
  public static Process start(Path directory, String... settings) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(path().toString());
    command.addAll(
        List.of(
            "--model-repository", directory.resolve("models").toString(),
            "--host", "127.0.0.1",
            "--http-port", "0",
            "--grpc-port", "0",
            "--metrics-port", "0"));
    command.addAll(List.of(settings));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("runtime.log").toFile());
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    try {
      java.nio.file.Files.createDirectories(directory.resolve("models"));
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }
}
