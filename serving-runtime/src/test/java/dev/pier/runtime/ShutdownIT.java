package dev.pier.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.runtime.testing.Awaiting;
import dev.pier.runtime.testing.ModelRepositories;
import dev.pier.runtime.testing.Oip;
import dev.pier.runtime.testing.PrometheusSamples;
import dev.pier.runtime.testing.RuntimeProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful shutdown of a real runtime process: SIGTERM while callers keep slow MLP requests in
 * flight. Requests the server took in are answered (200, or a clean 503 once it is shutting down);
 * once it stops listening, new connections are refused, which counts as "not accepted" rather than
 * as a failure; and the process exits by itself with the JVM's SIGTERM status.
 */
class ShutdownIT {
  private static final int CALLERS = 8;
  private static final int MAXIMUM_REQUESTS_PER_CALLER = 2_000;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /**
   * RuntimeProcess starts the runtime with --shutdown-grace 5s; allow for the JVM's exit on top.
   */
  private static final Duration GRACE_AND_EXIT = Duration.ofSeconds(5 + 15);

  /**
   * The runtime handles SIGTERM itself and exits 0 once it has drained; a JVM killed by the signal
   * would exit 143 without printing its last words.
   */
  private static final int EXIT_ON_SIGTERM = 0;

  private static final Map<String, String> MLP = Map.of("model", "mlp", "version", "1");

  @TempDir Path repository;

  /**
   * Where the runtime's JVM writes hs_err files if it crashes, instead of the build's directory.
   */
  @TempDir Path crashReports;

  enum Outcome {
    /** 200 with the model's answer. */
    SERVED,
    /** 503 with an OIP error saying the server is shutting down. */
    TURNED_AWAY,
    /** The connection was refused: the server had stopped listening. */
    NOT_ACCEPTED,
    /**
     * After SIGTERM, a request sent on a kept-alive connection met the server closing that idle
     * connection: not one response byte came back, so the server never read it. HTTP/1.1 lets a
     * server close an idle connection at any time (RFC 9112, 9.3.1); the JDK's server offers no way
     * to stop listening while keeping its open connections, so this race exists at the very end.
     */
    CLOSED_UNREAD,
    /** Anything else: a connection closed or reset under a sent request, another status. */
    FAILED
  }

  record Result(Outcome outcome, boolean answeredAfterSignal, String detail) {}

  @Test
  void sigtermAnswersEveryAcceptedRequestAndExitsCleanly() throws Exception {
    ModelRepositories.copy(repository, "mlp");

    try (RuntimeProcess runtime = start()) {
      HttpRequest request = mlpRequest(runtime, 64);
      AtomicBoolean signalled = new AtomicBoolean();
      CountDownLatch everyCallerServed = new CountDownLatch(CALLERS);
      ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
      ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
      List<Future<?>> runs = new ArrayList<>();
      int exitCode;
      try {
        for (int caller = 0; caller < CALLERS; caller++) {
          runs.add(
              callers.submit(
                  () -> {
                    boolean served = false;
                    for (int sent = 0; sent < MAXIMUM_REQUESTS_PER_CALLER; sent++) {
                      Result result = send(runtime, request, signalled);
                      results.add(result);
                      if (result.outcome() == Outcome.SERVED && !served) {
                        served = true;
                        everyCallerServed.countDown();
                      }
                      // Like a real client, keep going after a 503; stop once nobody listens.
                      if (result.outcome() == Outcome.NOT_ACCEPTED
                          || result.outcome() == Outcome.CLOSED_UNREAD
                          || result.outcome() == Outcome.FAILED) {
                        return;
                      }
                    }
                  }));
        }
        assertThat(everyCallerServed.await(DEADLINE.toSeconds(), TimeUnit.SECONDS))
            .as("every caller had a 200 before SIGTERM")
            .isTrue();
        awaitInFlight(runtime);

        signalled.set(true);
        exitCode = sigterm(runtime);
        for (Future<?> run : runs) {
          run.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
      } finally {
        callers.shutdownNow();
      }

      List<Result> all = List.copyOf(results);
      String summary = summary(all);
      assertThat(fatalErrors())
          .as("fatal errors of the runtime's JVM after SIGTERM; exit status %d", exitCode)
          .isEmpty();
      assertThat(all)
          .as("requests the server took in but did not answer cleanly; all outcomes: %s", summary)
          .filteredOn(result -> result.outcome() == Outcome.FAILED)
          .isEmpty();
      assertThat(all)
          .as("503s answered before SIGTERM was sent; all outcomes: %s", summary)
          .filteredOn(
              result -> result.outcome() == Outcome.TURNED_AWAY && !result.answeredAfterSignal())
          .isEmpty();
      assertThat(exitCode).as("exit status after SIGTERM").isEqualTo(EXIT_ON_SIGTERM);
      awaitStoppedMessage(runtime);
    }
  }

  @Test
  void aRequestInFlightAtSigtermIsAnsweredOnAConnectionTheServerThenCloses() throws Exception {
    ModelRepositories.copy(repository, "mlp");

    try (RuntimeProcess runtime = start()) {
      // Large enough to take a good while in ONNX Runtime after SIGTERM arrives.
      int rows = 512;
      CompletableFuture<HttpResponse<String>> inFlight =
          runtime
              .client()
              .sendAsync(mlpRequest(runtime, rows), HttpResponse.BodyHandlers.ofString());
      awaitInFlight(runtime);

      int exitCode = sigterm(runtime);
      assertThat(fatalErrors())
          .as("fatal errors of the runtime's JVM after SIGTERM; exit status %d", exitCode)
          .isEmpty();
      HttpResponse<String> response;
      try {
        response = inFlight.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw new AssertionError(
            "the request in flight at SIGTERM got no response (exit status "
                + exitCode
                + "): "
                + e.getCause()
                + "\n"
                + runtime.output(),
            e);
      }

      assertThat(response.statusCode()).as("the request in flight at SIGTERM").isEqualTo(200);
      assertThat(Oip.inferResponse(response).output("logits").shape()).containsExactly(rows, 10);
      // RFC 9112 9.6: without "close" the client may send its next request on this connection
      // just as the stopping server drops it, and a POST lost that way cannot be retried safely.
      assertThat(response.headers().firstValue("Connection"))
          .as("Connection header of a response sent while the server is shutting down")
          .hasValue("close");
      assertThat(exitCode).as("exit status after SIGTERM").isEqualTo(EXIT_ON_SIGTERM);
      awaitStoppedMessage(runtime);
    }
  }

  private RuntimeProcess start() {
    return RuntimeProcess.start(
        repository,
        Map.of("JAVA_TOOL_OPTIONS", "-XX:ErrorFile=" + crashReports.resolve("hs_err_pid%p.log")));
  }

  /** The crashing frames of every fatal error report the runtime's JVM wrote. */
  private List<String> fatalErrors() throws IOException {
    List<String> reports = new ArrayList<>();
    try (Stream<Path> files = Files.list(crashReports)) {
      for (Path file : files.toList()) {
        List<String> lines = Files.readAllLines(file);
        StringBuilder report = new StringBuilder(file.getFileName().toString());
        for (String line : lines) {
          if (line.startsWith("#  SIG")
              || line.startsWith("# Problematic frame:")
              || line.startsWith("# C  [")
              || line.startsWith("Current thread")
              || line.startsWith("j  dev.pier.")) {
            report.append("\n  ").append(line);
          }
        }
        reports.add(report.toString());
      }
    }
    return reports;
  }

  private static HttpRequest mlpRequest(RuntimeProcess runtime, int rows) {
    float[] data = new float[rows * 784];
    Random random = new Random(7);
    for (int i = 0; i < data.length; i++) {
      data[i] = random.nextFloat() * 2 - 1;
    }
    return HttpRequest.newBuilder(runtime.uri("/v2/models/mlp/infer"))
        .header("Content-Type", "application/json")
        .timeout(DEADLINE)
        .POST(HttpRequest.BodyPublishers.ofString(Oip.fp32Request("input", rows, 784, data)))
        .build();
  }

  private static void awaitInFlight(RuntimeProcess runtime) {
    Awaiting.until(
        "an mlp request is inside the model server",
        DEADLINE,
        () -> PrometheusSamples.scrape(runtime).value("pier_runtime_requests_in_flight", MLP) >= 1);
  }

  private static int sigterm(RuntimeProcess runtime) {
    return runtime.terminate(GRACE_AND_EXIT);
  }

  /** The output reader may still be draining the pipe when the process has exited. */
  private static void awaitStoppedMessage(RuntimeProcess runtime) {
    Awaiting.until(
        "the runtime has printed that it stopped",
        DEADLINE,
        () -> runtime.output().contains("pier-runtime stopped"),
        runtime::output);
  }

  private static Result send(RuntimeProcess runtime, HttpRequest request, AtomicBoolean signalled) {
    HttpResponse<String> response;
    try {
      response = runtime.client().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      boolean afterSignal = signalled.get();
      Outcome outcome =
          refused(e)
              ? Outcome.NOT_ACCEPTED
              : afterSignal && closedUnread(e) ? Outcome.CLOSED_UNREAD : Outcome.FAILED;
      return new Result(outcome, afterSignal, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(Outcome.FAILED, signalled.get(), "interrupted");
    }
    boolean answeredAfterSignal = signalled.get();
    String detail = response.statusCode() + " " + abbreviate(response.body());
    if (response.statusCode() == 200) {
      return new Result(Outcome.SERVED, answeredAfterSignal, detail);
    }
    if (response.statusCode() == 503 && Oip.error(response).contains("shutting down")) {
      return new Result(Outcome.TURNED_AWAY, answeredAfterSignal, detail);
    }
    return new Result(Outcome.FAILED, answeredAfterSignal, detail);
  }

  private static boolean closedUnread(IOException error) {
    return String.valueOf(error.getMessage()).contains("header parser received no bytes");
  }

  private static boolean refused(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  private static String summary(List<Result> results) {
    StringBuilder summary = new StringBuilder();
    for (Outcome outcome : Outcome.values()) {
      List<Result> matching = results.stream().filter(r -> r.outcome() == outcome).toList();
      summary.append(outcome).append('=').append(matching.size());
      if (outcome == Outcome.FAILED && !matching.isEmpty()) {
        summary.append(' ').append(matching.stream().map(Result::detail).distinct().toList());
      }
      summary.append("; ");
    }
    return summary.toString();
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
