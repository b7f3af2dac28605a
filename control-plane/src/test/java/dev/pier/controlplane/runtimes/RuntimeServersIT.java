package dev.pier.controlplane.runtimes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.drivers.DriverProcess;
import dev.pier.controlplane.drivers.LocalProcessDriver;
import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.RunningControlPlane;
import dev.pier.controlplane.testing.RuntimeJar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Runtime servers against a real control plane (embedded PostgreSQL) with real runtime processes:
 * the local driver's child, and runtimes the test starts by hand like an operator on another host.
 */
class RuntimeServersIT {
  private static final String TOKEN = "it-registration-token";
  private static final String BEARER = "Bearer " + TOKEN;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String REGISTRATION =
      """
      {"name": "%s", "restUrl": "http://10.1.2.3:8000", "grpcTarget": "10.1.2.3:8001",
       "metricsUrl": "http://10.1.2.3:8002/metrics", "capabilities": ["onnx", "cpu"],
       "memoryCapacityBytes": 1073741824, "version": "test"}
      """;

  @TempDir static Path pierHome;
  @TempDir static Path byHand;
  private static RunningControlPlane controlPlane;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    controlPlane = RunningControlPlane.withLocalRuntime(pierHome, "2s", TOKEN);
    api = controlPlane.api();
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void theLocalRuntimeRegistersAndIsRestartedUnderTheSameIdWhenItDies() throws Exception {
    JsonNode first = awaitState("local-1", "READY");
    assertThat(first.get("capabilities").toString()).isEqualTo("[\"onnx\",\"cpu\"]");
    assertThat(first.get("memoryCapacityBytes").asLong()).isPositive();
    assertThat(first.get("restUrl").asString()).startsWith("http://127.0.0.1:");
    assertThat(first.get("grpcTarget").asString()).startsWith("127.0.0.1:");
    assertThat(first.get("metricsUrl").asString()).endsWith("/metrics");
    assertThat(first.get("lastHeartbeatAt").isNull()).isFalse();
    assertThat(first.get("models").isArray()).isTrue();
    assertThat(status(first.get("restUrl").asString() + "/v2/health/live"))
        .as("the registered REST URL reaches the runtime")
        .isEqualTo(200);
    String id = first.get("id").asString();
    assertThat(api.get("/api/v1/servers/" + id).json().get("name").asString()).isEqualTo("local-1");

    LocalProcessDriver driver = controlPlane.bean(LocalProcessDriver.class);
    DriverProcess before = driver.processes().getFirst();
    assertThat(before.running()).isTrue();
    ProcessHandle.of(before.pid().orElseThrow()).orElseThrow().destroyForcibly();

    Awaiting.until(
        "the driver restarted local-1",
        WAIT,
        () -> {
          DriverProcess now = driver.processes().getFirst();
          return now.restarts() == 1 && now.running() && !now.pid().equals(before.pid());
        },
        () -> driver.processes().toString());
    Instant registeredBefore = Instant.parse(first.get("registeredAt").asString());
    Awaiting.until(
        "local-1 registered again and is READY",
        WAIT,
        () ->
            server("local-1")
                .filter(server -> server.get("state").asString().equals("READY"))
                .filter(
                    server ->
                        Instant.parse(server.get("registeredAt").asString())
                            .isAfter(registeredBefore))
                .isPresent(),
        () -> api.get("/api/v1/servers").text());
    JsonNode again = server("local-1").orElseThrow();
    assertThat(again.get("id").asString()).as("the same name keeps its id").isEqualTo(id);
    assertThat(status(again.get("restUrl").asString() + "/v2/health/live")).isEqualTo(200);
  }

  @Test
  void aRuntimeStartedByHandJoinsAndIsLostOnceItStopsHeartbeating() throws Exception {
    Process runtime =
        RuntimeJar.start(
            byHand,
            "--control-plane-url",
            "http://127.0.0.1:" + api.port(),
            "--control-plane-token",
            TOKEN,
            "--server-name",
            "by-hand",
            "--capabilities",
            "onnx,gpu",
            "--memory-budget",
            "512MiB",
            "--heartbeat-interval",
            "200ms");
    try {
      JsonNode joined = awaitState("by-hand", "READY", byHand);
      assertThat(joined.get("capabilities").toString()).isEqualTo("[\"onnx\",\"gpu\"]");
      assertThat(joined.get("memoryCapacityBytes").asLong()).isEqualTo(512L << 20);
    } finally {
      runtime.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    awaitState("by-hand", "LOST", byHand);
  }

  @Test
  void aWrongOrMissingTokenIsRefusedAndRegistersNothing() {
    String body = REGISTRATION.formatted("intruder");
    Response wrong =
        api.postJson("/api/v1/runtimes/register", body, "Authorization", "Bearer not-the-token");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.header("Content-Type")).startsWith("application/problem+json");
    assertThat(wrong.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(wrong.json().get("code").asString()).isEqualTo("UNAUTHENTICATED");
    assertThat(api.postJson("/api/v1/runtimes/register", body).status()).isEqualTo(401);
    assertThat(
            api.postJson("/api/v1/runtimes/register", "{not json", "Authorization", "Bearer x")
                .status())
        .as("the token is checked before the body is read")
        .isEqualTo(401);
    assertThat(
            api.postJson(
                    "/api/v1/runtimes/" + UUID.randomUUID() + "/heartbeat",
                    "{\"inFlightRequests\": 0, \"memoryUsedBytes\": 0, \"models\": []}",
                    "Authorization",
                    "Bearer not-the-token")
                .status())
        .isEqualTo(401);

    assertThat(server("intruder")).isEmpty();
  }

  @Test
  void registeringAgainKeepsTheIdAndReplacesTheAddresses() {
    Response created =
        api.postJson(
            "/api/v1/runtimes/register",
            REGISTRATION.formatted("re-registered"),
            "Authorization",
            BEARER);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("state").asString()).isEqualTo("REGISTERED");
    String id = created.json().get("id").asString();

    Response again =
        api.postJson(
            "/api/v1/runtimes/register",
            REGISTRATION.formatted("re-registered").replace("10.1.2.3", "10.9.9.9"),
            "Authorization",
            BEARER);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.json().get("id").asString()).isEqualTo(id);
    assertThat(again.json().get("restUrl").asString()).isEqualTo("http://10.9.9.9:8000");

    Response beat =
        api.postJson(
            "/api/v1/runtimes/" + id + "/heartbeat",
            """
            {"inFlightRequests": 2, "memoryUsedBytes": 1024,
             "models": [{"name": "iris", "version": "1", "state": "READY"}]}
            """,
            "Authorization",
            BEARER);
    assertThat(beat.status()).as(beat.toString()).isEqualTo(204);
    JsonNode server = api.get("/api/v1/servers/" + id).json();
    assertThat(server.get("inFlightRequests").asInt()).isEqualTo(2);
    assertThat(server.get("memoryUsedBytes").asLong()).isEqualTo(1024);
    assertThat(server.get("models").get(0).get("name").asString()).isEqualTo("iris");
  }

  @Test
  void unknownIdsAndBadRegistrationsAreProblems() {
    Response heartbeat =
        api.postJson(
            "/api/v1/runtimes/" + UUID.randomUUID() + "/heartbeat",
            "{\"inFlightRequests\": 0, \"memoryUsedBytes\": 0, \"models\": []}",
            "Authorization",
            BEARER);
    assertThat(heartbeat.status()).isEqualTo(404);
    assertThat(heartbeat.json().get("code").asString()).isEqualTo("RUNTIME_SERVER_NOT_FOUND");
    assertThat(api.get("/api/v1/servers/" + UUID.randomUUID()).status()).isEqualTo(404);

    Response invalid =
        api.postJson(
            "/api/v1/runtimes/register",
            REGISTRATION.formatted("../bad name").replace("10.1.2.3:8001", "no port"),
            "Authorization",
            BEARER);
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.json().get("code").asString()).isEqualTo("VALIDATION_FAILED");
    assertThat(invalid.json().get("errors").toString()).contains("name").contains("grpcTarget");
  }

  private static JsonNode awaitState(String name, String state) {
    return awaitState(name, state, pierHome.resolve("runtimes").resolve(name));
  }

  private static JsonNode awaitState(String name, String state, Path logDirectory) {
    Awaiting.until(
        name + " is " + state,
        WAIT,
        () ->
            server(name).filter(server -> server.get("state").asString().equals(state)).isPresent(),
        () -> api.get("/api/v1/servers").text() + "\n" + log(logDirectory));
    return server(name).orElseThrow();
  }

  private static Optional<JsonNode> server(String name) {
    Response servers = api.get("/api/v1/servers");
    assertThat(servers.status()).as(servers.toString()).isEqualTo(200);
    for (JsonNode server : servers.json()) {
      if (server.get("name").asString().equals(name)) {
        return Optional.of(server);
      }
    }
    return Optional.empty();
  }

  private static String log(Path directory) {
    try {
      Path log = directory.resolve("runtime.log");
      return Files.exists(log) ? "runtime.log:\n" + Files.readString(log) : "(no runtime.log)";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int status(String url) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).GET().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }
}
