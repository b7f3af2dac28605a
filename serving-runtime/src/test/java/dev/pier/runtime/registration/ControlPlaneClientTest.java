package dev.pier.runtime.registration;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pier.runtime.json.JsonTree;
import dev.pier.runtime.protocol.ModelState;
import dev.pier.runtime.protocol.RepositoryEntry;
import dev.pier.runtime.testing.Awaiting;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registration client against a hand-written fake control plane on a real socket. */
class ControlPlaneClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final RuntimeRegistration REGISTRATION =
      new RuntimeRegistration(
          "runtime-a",
          "http://127.0.0.1:8000",
          "127.0.0.1:8001",
          false,
          "http://127.0.0.1:8002/metrics",
          List.of("onnx", "cpu"),
          1L << 30,
          "test");
  private static final RuntimeLoad LOAD =
      new RuntimeLoad(3, 4096, List.of(new RepositoryEntry("iris", "1", ModelState.READY, "")));

  private FakeControlPlane controlPlane;
  private ControlPlaneClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (controlPlane != null) {
      controlPlane.stop();
    }
  }

  @Test
  void registersThenHeartbeatsWithTheTokenAndTheLoad() throws Exception {
    controlPlane = FakeControlPlane.start(0);
    client = client(controlPlane.port());
    client.start();

    Awaiting.until("two heartbeats arrived", WAIT, () -> controlPlane.heartbeats.size() >= 2);
    assertThat(controlPlane.registrations).hasSize(1);
    assertThat(controlPlane.authorizations).containsOnly("Bearer s3cret");
    @SuppressWarnings("unchecked")
    Map<String, Object> registration =
        (Map<String, Object>) JsonTree.parse(controlPlane.registrations.get(0));
    assertThat(registration)
        .containsEntry("name", "runtime-a")
        .containsEntry("restUrl", "http://127.0.0.1:8000")
        .containsEntry("grpcTarget", "127.0.0.1:8001")
        .containsEntry("grpcTls", false)
        .containsEntry("metricsUrl", "http://127.0.0.1:8002/metrics")
        .containsEntry("capabilities", List.of("onnx", "cpu"))
        .containsEntry("memoryCapacityBytes", 1L << 30)
        .containsEntry("version", "test");
    @SuppressWarnings("unchecked")
    Map<String, Object> heartbeat =
        (Map<String, Object>) JsonTree.parse(controlPlane.heartbeats.get(0).body);
    assertThat(controlPlane.heartbeats.get(0).id).isEqualTo("runtime-1");
    assertThat(heartbeat)
        .containsEntry("inFlightRequests", 3L)
        .containsEntry("memoryUsedBytes", 4096L)
        .containsEntry("models", List.of(Map.of("name", "iris", "version", "1", "state", "READY")));
    assertThat(client.runtimeId()).isEqualTo("runtime-1");
  }

  @Test
  void registersAgainWhenTheControlPlaneForgetsTheRuntime() {
    controlPlane = FakeControlPlane.start(0);
    client = client(controlPlane.port());
    client.start();
    Awaiting.until("registered", WAIT, () -> "runtime-1".equals(client.runtimeId()));

    controlPlane.known.clear();

    Awaiting.until("registered again", WAIT, () -> "runtime-2".equals(client.runtimeId()));
    Awaiting.until(
        "heartbeats under the new id",
        WAIT,
        () -> controlPlane.heartbeats.stream().anyMatch(beat -> beat.id.equals("runtime-2")));
    assertThat(controlPlane.registrations).hasSize(2);
  }

  @Test
  void keepsTryingWhileTheControlPlaneIsDown() throws Exception {
    int port;
    try (var reserved = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = reserved.getLocalPort();
    }
    client = client(port);
    client.start();
    // Nothing listens: the client must neither fail nor give up.
    Awaiting.until("three attempts failed", WAIT, () -> client.failedAttempts() >= 3);
    assertThat(client.runtimeId()).isNull();

    controlPlane = FakeControlPlane.start(port);

    Awaiting.until(
        "registered once the control plane is up", WAIT, () -> client.runtimeId() != null);
    Awaiting.until("heartbeating", WAIT, () -> !controlPlane.heartbeats.isEmpty());
  }

  @Test
  void longFailureReasonsAreCutSoTheControlPlaneAcceptsTheHeartbeat() throws Exception {
    byte[] json =
        ControlPlaneClient.heartbeatJson(
            new RuntimeLoad(
                0,
                0,
                List.of(new RepositoryEntry("broken", "1", ModelState.FAILED, "x".repeat(5000)))));

    Map<?, ?> heartbeat = (Map<?, ?>) JsonTree.parse(json);
    Map<?, ?> model = (Map<?, ?>) ((List<?>) heartbeat.get("models")).getFirst();
    assertThat((String) model.get("reason"))
        .hasSize(ControlPlaneClient.MAXIMUM_REASON_LENGTH)
        .endsWith("...");
    assertThat(model.get("state")).isEqualTo("FAILED");
  }

  @Test
  void theMemoryCapacityIsTheBudgetWhenSetElseThePhysicalMemory() {
    assertThat(ControlPlaneClient.memoryCapacity(123_456)).isEqualTo(123_456);
    assertThat(ControlPlaneClient.memoryCapacity(0))
        .isGreaterThanOrEqualTo(Runtime.getRuntime().maxMemory());
  }

  private static ControlPlaneClient client(int port) {
    return new ControlPlaneClient(
        "http://127.0.0.1:" + port,
        "s3cret",
        null,
        REGISTRATION,
        () -> LOAD,
        Duration.ofMillis(50),
        Duration.ofMillis(200));
  }

  record Heartbeat(String id, byte[] body) {}

  /** Registers with ids runtime-1, runtime-2...; answers 404 to heartbeats for ids it forgot. */
  static final class FakeControlPlane {
    final HttpServer server;
    final List<byte[]> registrations = new CopyOnWriteArrayList<>();
    final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    final Set<String> authorizations = ConcurrentHashMap.newKeySet();
    final Set<String> known = ConcurrentHashMap.newKeySet();
    final AtomicInteger ids = new AtomicInteger();

    private FakeControlPlane(HttpServer server) {
      this.server = server;
    }

    static FakeControlPlane start(int port) {
      try {
        HttpServer server =
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        FakeControlPlane fake = new FakeControlPlane(server);
        server.createContext("/api/v1/runtimes/", fake::handle);
        server.start();
        return fake;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    int port() {
      return server.getAddress().getPort();
    }

    void stop() {
      server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        byte[] body = exchange.getRequestBody().readAllBytes();
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/api/v1/runtimes/register")) {
          registrations.add(body);
          String id = "runtime-" + ids.incrementAndGet();
          known.add(id);
          byte[] answer = ("{\"id\": \"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          return;
        }
        String id = path.substring("/api/v1/runtimes/".length(), path.lastIndexOf('/'));
        if (!known.contains(id)) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        heartbeats.add(new Heartbeat(id, body));
        exchange.sendResponseHeaders(204, -1);
      }
    }
  }
}
