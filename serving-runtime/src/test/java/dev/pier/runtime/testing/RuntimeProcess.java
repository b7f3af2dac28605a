package dev.pier.runtime.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real pier-runtime process, started from the packaged jar on free ports, for tests that talk to
 * it over real sockets. Startup is awaited by reading the process's own announcements, never by
 * sleeping.
 */
public final class RuntimeProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("pier-runtime listening: http=(\\d+) grpc=(\\d+) metrics=(\\d+).*");
  private static final Duration STARTUP = Duration.ofSeconds(90);

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final CountDownLatch listening = new CountDownLatch(1);
  private final CountDownLatch loaded = new CountDownLatch(1);
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private volatile int httpPort;
  private volatile int grpcPort;
  private volatile int metricsPort;

  private RuntimeProcess(Process process) {
    this.process = process;
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .name("runtime-output")
            .start(
                () -> {
                  try (BufferedReader lines =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                      output.append(line).append('\n');
                      Matcher matcher = LISTENING.matcher(line);
                      if (matcher.matches()) {
                        httpPort = Integer.parseInt(matcher.group(1));
                        grpcPort = Integer.parseInt(matcher.group(2));
                        metricsPort = Integer.parseInt(matcher.group(3));
                        listening.countDown();
                      } else if (line.startsWith("pier-runtime ready=")) {
                        loaded.countDown();
                      }
                    }
                  } catch (IOException e) {
                    // The process ended; its output so far is what there is.
                  } finally {
                    listening.countDown();
                    loaded.countDown();
                  }
                });
    reader.setUncaughtExceptionHandler((thread, error) -> {});
  }

  /** Starts the runtime on the repository with free ports, and waits until it has loaded it. */
  public static RuntimeProcess start(Path repository, String... settings) {
    return start(repository, Map.of(), settings);
  }

  public static RuntimeProcess start(
      Path repository, Map<String, String> environment, String... settings) {
    RuntimeProcess runtime = launch(repository, environment, settings);
    runtime.await(runtime.loaded);
    if (runtime.httpPort == 0) {
      String log = runtime.output();
      runtime.close();
      throw new IllegalStateException("pier-runtime did not start:\n" + log);
    }
    return runtime;
  }

  private static RuntimeProcess launch(
      Path repository, Map<String, String> environment, String... settings) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx512m");
    command.add("-jar");
    command.add(runtimeJar().toString());
    command.addAll(
        List.of(
            "--model-repository", repository.toString(),
            "--host", "127.0.0.1",
            "--http-port", "0",
            "--grpc-port", "0",
            "--metrics-port", "0",
            "--shutdown-grace", "5s"));
    command.addAll(List.of(settings));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    builder.environment().putAll(environment);
    try {
      return new RuntimeProcess(builder.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command, e);
    }
  }

  /** A runtime that exited by itself: its exit code and everything it printed. */
  public record Exited(int exitCode, String output) {}

  /**
   * Runs the runtime with settings it must refuse, and waits for it to exit; fails if it is still
   * running after the startup timeout.
   */
  public static Exited refusing(Path repository, String... settings) {
    try (RuntimeProcess runtime = launch(repository, Map.of(), settings)) {
      if (!runtime.process.waitFor(STARTUP.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("pier-runtime did not exit:\n" + runtime.output());
      }
      runtime.await(runtime.loaded); // the output reader has read everything
      return new Exited(runtime.process.exitValue(), runtime.output());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Path runtimeJar() {
    String jar = System.getProperty("pier.runtime.jar");
    if (jar == null) {
      throw new IllegalStateException(
          "system property pier.runtime.jar is not set: run integration tests through failsafe");
    }
    return Path.of(jar);
  }

  private void await(CountDownLatch latch) {
    try {
      if (!latch.await(STARTUP.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "pier-runtime did not announce itself in " + STARTUP + ":\n" + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int httpPort() {
    return httpPort;
  }

  public int grpcPort() {
    return grpcPort;
  }

  public int metricsPort() {
    return metricsPort;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  public String output() {
    return output.toString();
  }

  public Process process() {
    return process;
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  public HttpResponse<String> post(String path, String json) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("request to pier-runtime failed: " + e + "\n" + output(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<byte[]> sendForBytes(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("request to pier-runtime failed: " + e + "\n" + output(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpClient client() {
    return http;
  }

  /**
   * Sends SIGTERM and waits for the process to exit; returns its exit code. Signals through the
   * process handle: {@link Process#destroy()} would also close this side of the process's output,
   * losing what the runtime prints while it stops.
   */
  public int terminate(Duration timeout) {
    process.toHandle().destroy();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "pier-runtime did not stop within " + timeout + ":\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
