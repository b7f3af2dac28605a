package dev.pier.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged executable, {@code console-ui/target/pier.jar}, started the way an operator starts
 * it ({@code java -jar} from the repository root) and driven over real HTTP only: a model is
 * uploaded, put behind an endpoint and served through the gateway; SIGTERM stops Pier and its
 * runtime process; a second start on the same data directory still has the model and the endpoint.
 */
class PierExecutableIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration PLACED = Duration.ofSeconds(30);
  private static final Duration STOP = Duration.ofSeconds(30);
  private static final Pattern API_URL = Pattern.compile("REST API:\\s+http://localhost:(\\d+)/");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SETOSA =
      """
      {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 4],
                   "data": [5.1, 3.5, 1.4, 0.2]}]}
      """;

  @TempDir Path pierHome;
  @TempDir Path logs;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process process : started) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void servesAnUploadedModelStopsCleanlyOnSigtermAndKeepsItsStateAcrossARestart() throws Exception {
    Pier first = start("first.log");
    assertThat(first.post("/api/v1/models", "{\"name\": \"iris\"}").status()).isEqualTo(201);
    Response uploaded =
        first.upload(
            "/api/v1/models/iris/versions",
            Files.readAllBytes(examples().resolve("models/iris/1/model.onnx")));
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
    assertThat(uploaded.json().get("number").asInt()).isEqualTo(1);
    Response endpoint =
        first.post(
            "/api/v1/endpoints", "{\"name\": \"flowers\", \"model\": \"iris\", \"version\": 1}");
    assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);

    awaitPlacementReady(first);
    assertSetosa(first);

    List<ProcessHandle> runtimes = first.process.descendants().toList();
    assertThat(runtimes).as("the local runtime started by the local driver").isNotEmpty();
    first.process.toHandle().destroy(); // SIGTERM
    assertThat(first.process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS))
        .as("Pier exits after SIGTERM\n%s", first.log())
        .isTrue();
    assertThat(runtimes.stream().filter(ProcessHandle::isAlive).toList())
        .as("runtime processes left after Pier stopped")
        .isEmpty();

    Pier second = start("second.log");
    Response model = second.get("/api/v1/models/iris");
    assertThat(model.status()).as(model.toString()).isEqualTo(200);
    assertThat(model.json().get("latestVersion").asInt()).isEqualTo(1);
    List<String> endpoints = new ArrayList<>();
    for (JsonNode each : second.get("/api/v1/endpoints").json()) {
      endpoints.add(each.get("name").asString() + ":" + each.get("model").asString());
    }
    assertThat(endpoints).containsExactly("flowers:iris");
    awaitPlacementReady(second);
    assertSetosa(second);
  }

  private static void awaitPlacementReady(Pier pier) {
    until(
        "the endpoint's placement is READY",
        PLACED,
        () -> {
          JsonNode placements = pier.get("/api/v1/endpoints/flowers/placements").json();
          return placements.size() == 1
              && placements.get(0).get("state").asString().equals("READY");
        },
        () -> pier.get("/api/v1/placements") + "\n" + pier.log());
  }

  private static void assertSetosa(Pier pier) {
    Response[] last = new Response[1];
    until(
        "the gateway serves the endpoint",
        PLACED,
        () -> {
          last[0] = pier.post("/v2/models/flowers/infer", SETOSA);
          return last[0].status() == 200;
        },
        () -> last[0] + "\n" + pier.log());
    JsonNode answer = last[0].json();
    assertThat(answer.get("model_name").asString()).isEqualTo("flowers");
    int label = -1;
    for (JsonNode output : answer.get("outputs")) {
      if (output.get("name").asString().equals("label")) {
        label = output.get("data").get(0).asInt();
      }
    }
    assertThat(label).as(answer.toString()).isEqualTo(1);
  }

  /**
   * {@code java -jar pier.jar} from the repository root; returns once it printed its ready block.
   */
  private Pier start(String logName) throws IOException {
    // Not passed to Pier: from the repository root the local driver finds it by its default path.
    assertThat(Path.of(property("pier.runtime.jar"))).as("the runtime's jar is built").exists();
    Path log = logs.resolve(logName);
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            property("pier.executable.jar"),
            "--pier.home=" + pierHome,
            "--server.port=0",
            "--pier.gateway.grpc-port=0");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(Path.of(property("pier.repository.root")).toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    Process process = builder.start();
    started.add(process);
    Pier pier = new Pier(process, log, http);
    int[] port = {-1};
    until(
        "Pier prints its ready block",
        START,
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("Pier exited with " + process.exitValue() + "\n" + pier.log());
          }
          Matcher matcher = API_URL.matcher(pier.log());
          if (pier.log().contains("Pier is ready") && matcher.find()) {
            port[0] = Integer.parseInt(matcher.group(1));
          }
          return port[0] > 0;
        },
        pier::log);
    pier.port = port[0];
    return pier;
  }

  private static Path examples() {
    return Path.of(property("pier.examples.dir"));
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException(
          "system property " + name + " is not set: run integration tests through failsafe");
    }
    return value;
  }

  /** Polls {@code condition} against a deadline; the pause between polls only avoids spinning. */
  private static void until(
      String description, Duration timeout, BooleanSupplier condition, Supplier<String> context) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting until " + description + "\n" + context.get());
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  /** A started executable, its output and its HTTP API. */
  private static final class Pier {
    final Process process;
    final Path log;
    final HttpClient http;
    int port;

    Pier(Process process, Path log, HttpClient http) {
      this.process = process;
      this.log = log;
      this.http = http;
    }

    String log() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Response get(String path) {
      return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Response post(String path, String json) {
      return send(
          HttpRequest.newBuilder(uri(path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response upload(String path, byte[] file) {
      String boundary = "pier-" + UUID.randomUUID();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"model.onnx\""
                  + "\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      body.writeBytes(file);
      body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      return send(
          HttpRequest.newBuilder(uri(path))
              .header("Content-Type", "multipart/form-data; boundary=" + boundary)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private URI uri(String path) {
      return URI.create("http://localhost:" + port + path);
    }

    private Response send(HttpRequest.Builder request) {
      try {
        HttpResponse<byte[]> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Response(response.statusCode(), response.body());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private record Response(int status, byte[] body) {
    JsonNode json() {
      return JSON.readTree(body);
    }

    @Override
    public String toString() {
      return status + " " + new String(body, StandardCharsets.UTF_8);
    }
  }
}
