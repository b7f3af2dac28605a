package dev.pier.runtime.registration;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.pier.runtime.json.JsonLimits;
import dev.pier.runtime.json.JsonTree;
import dev.pier.runtime.protocol.RepositoryEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Registers the runtime with a control plane and heartbeats its load.
 *
 * <p>Threading: everything runs on one daemon scheduler thread owned by this client, one step at a
 * time: register while there is no id, otherwise heartbeat, then schedule the next step. Request
 * threads never touch it; the load is read through a lock-free snapshot supplier.
 *
 * <p>Failures: an unreachable control plane, a timeout or an unexpected answer schedules the next
 * try with a doubling backoff (from the heartbeat interval up to a cap); a {@code 404} for the
 * heartbeat means the control plane forgot this runtime (a new database, a purge) and it registers
 * again at once. The runtime keeps serving all the while.
 *
 * <p>Lifecycle: {@link #start()} once the servers listen; {@link #close()} stops heartbeating
 * (without deregistering: the control plane marks the runtime lost after its timeout, the same path
 * as a crash, so there is one way a runtime leaves).
 */
public final class ControlPlaneClient implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ControlPlaneClient.class.getName());
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration DEFAULT_MAXIMUM_BACKOFF = Duration.ofSeconds(30);
  static final int MAXIMUM_REASON_LENGTH = 1000;

  private final String baseUrl;
  private final String token;
  private final RuntimeRegistration registration;
  private final Supplier<RuntimeLoad> load;
  private final Duration heartbeatInterval;
  private final Duration maximumBackoff;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;

  private volatile String runtimeId;
  private volatile boolean closed;
  private volatile int failedAttempts;
  // Touched only by the scheduler thread.
  private Duration backoff;
  private boolean failing;

  /**
   * @param controlPlaneUrl the control plane's base URL, without a trailing slash
   * @param token the registration token, sent as a bearer token; empty sends none
   * @param trust the TLS context for an https control plane, or null for the JDK's default trust
   */
  public ControlPlaneClient(
      String controlPlaneUrl,
      String token,
      SSLContext trust,
      RuntimeRegistration registration,
      Supplier<RuntimeLoad> load,
      Duration heartbeatInterval) {
    this(
        controlPlaneUrl,
        token,
        trust,
        registration,
        load,
        heartbeatInterval,
        heartbeatInterval.compareTo(DEFAULT_MAXIMUM_BACKOFF) > 0
            ? heartbeatInterval
            : DEFAULT_MAXIMUM_BACKOFF);
  }

  ControlPlaneClient(
      String controlPlaneUrl,
      String token,
      SSLContext trust,
      RuntimeRegistration registration,
      Supplier<RuntimeLoad> load,
      Duration heartbeatInterval,
      Duration maximumBackoff) {
    this.baseUrl = Objects.requireNonNull(controlPlaneUrl, "controlPlaneUrl");
    this.token = Objects.requireNonNull(token, "token");
    this.registration = Objects.requireNonNull(registration, "registration");
    this.load = Objects.requireNonNull(load, "load");
    this.heartbeatInterval = heartbeatInterval;
    this.maximumBackoff = maximumBackoff;
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT);
    if (trust != null) {
      http.sslContext(trust);
    }
    this.http = http.build();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "pier-control-plane-client");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * The memory capacity a runtime reports: its memory budget when one is set (that is what it will
   * fill before evicting), otherwise the physical memory of the machine or container. Not the Java
   * heap: ONNX Runtime sessions live in native memory, outside the heap.
   */
  public static long memoryCapacity(long memoryBudgetBytes) {
    if (memoryBudgetBytes > 0) {
      return memoryBudgetBytes;
    }
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean system) {
      long total = system.getTotalMemorySize();
      if (total > 0) {
        return total;
      }
    }
    return Runtime.getRuntime().maxMemory();
  }

  /** Registers on the client's own thread; returns at once. */
  public void start() {
    submit(this::step, Duration.ZERO);
  }

  /** The id the control plane gave this runtime, or null while not registered. */
  public String runtimeId() {
    return runtimeId;
  }

  /** Attempts that failed since the start (unreachable, timed out, unexpected answer). */
  int failedAttempts() {
    return failedAttempts;
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.shutdownNow();
  }

  private void step() {
    if (closed) {
      return;
    }
    Duration next;
    try {
      if (runtimeId == null) {
        register();
      }
      heartbeat();
      if (failing) {
        LOG.log(System.Logger.Level.INFO, "control plane at " + baseUrl + " reachable again");
        failing = false;
      }
      backoff = null;
      next = heartbeatInterval;
    } catch (UnknownRuntime e) {
      LOG.log(
          System.Logger.Level.INFO,
          "control plane does not know runtime " + e.id + "; registering again");
      runtimeId = null;
      next = Duration.ZERO;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (IOException | RuntimeException e) {
      failedAttempts++;
      next = nextBackoff();
      if (!failing) {
        LOG.log(
            System.Logger.Level.WARNING,
            "cannot reach the control plane at "
                + baseUrl
                + " ("
                + e
                + "); serving on, retrying with backoff up to "
                + maximumBackoff.toMillis()
                + " ms");
        failing = true;
      } else {
        LOG.log(System.Logger.Level.DEBUG, "control plane still unreachable: " + e);
      }
    }
    submit(this::step, next);
  }

  private Duration nextBackoff() {
    backoff = backoff == null ? heartbeatInterval : backoff.multipliedBy(2);
    if (backoff.compareTo(maximumBackoff) > 0) {
      backoff = maximumBackoff;
    }
    return backoff;
  }

  private void submit(Runnable task, Duration delay) {
    if (closed) {
      return;
    }
    try {
      scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private void register() throws IOException, InterruptedException {
    HttpResponse<byte[]> response = post("/api/v1/runtimes/register", registrationJson());
    if (response.statusCode() != 200 && response.statusCode() != 201) {
      throw unexpected("registration", response);
    }
    Object body = JsonTree.parse(response.body());
    if (!(body instanceof Map<?, ?> object) || !(object.get("id") instanceof String id)) {
      throw new IOException("the registration answer has no id");
    }
    runtimeId = id;
    LOG.log(
        System.Logger.Level.INFO,
        "registered with the control plane at "
            + baseUrl
            + " as "
            + registration.name()
            + " "
            + id);
  }

  private void heartbeat() throws IOException, InterruptedException {
    String id = runtimeId;
    HttpResponse<byte[]> response =
        post("/api/v1/runtimes/" + id + "/heartbeat", heartbeatJson(load.get()));
    if (response.statusCode() == 404) {
      throw new UnknownRuntime(id);
    }
    if (response.statusCode() / 100 != 2) {
      throw unexpected("heartbeat", response);
    }
  }

  private HttpResponse<byte[]> post(String path, byte[] json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static IOException unexpected(String what, HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    if (body.length() > 300) {
      body = body.substring(0, 300) + "...";
    }
    return new IOException(what + " answered " + response.statusCode() + ": " + body);
  }

  private byte[] registrationJson() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator json = JsonLimits.factory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("name", registration.name());
      json.writeStringField("restUrl", registration.restUrl());
      json.writeStringField("grpcTarget", registration.grpcTarget());
      json.writeBooleanField("grpcTls", registration.grpcTls());
      json.writeStringField("metricsUrl", registration.metricsUrl());
      json.writeArrayFieldStart("capabilities");
      for (String capability : registration.capabilities()) {
        json.writeString(capability);
      }
      json.writeEndArray();
      json.writeNumberField("memoryCapacityBytes", registration.memoryCapacityBytes());
      json.writeStringField("version", registration.version());
      json.writeEndObject();
    }
    return out.toByteArray();
  }

  static byte[] heartbeatJson(RuntimeLoad load) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JsonLimits.factory().createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("inFlightRequests", load.inFlightRequests());
      json.writeNumberField("memoryUsedBytes", load.memoryUsedBytes());
      json.writeArrayFieldStart("models");
      for (RepositoryEntry entry : load.models()) {
        json.writeStartObject();
        json.writeStringField("name", entry.name());
        json.writeStringField("version", entry.version());
        json.writeStringField("state", entry.state().name());
        if (entry.reason() != null && !entry.reason().isEmpty()) {
          // Bounded: the control plane refuses longer reasons, and a heartbeat it refuses would
          // fail every time.
          json.writeStringField(
              "reason",
              entry.reason().length() <= MAXIMUM_REASON_LENGTH
                  ? entry.reason()
                  : entry.reason().substring(0, MAXIMUM_REASON_LENGTH - 3) + "...");
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return out.toByteArray();
  }

  /** The control plane answered 404 for this runtime's id. */
  private static final class UnknownRuntime extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String id;

    UnknownRuntime(String id) {
      super("unknown runtime " + id, null, false, false);
      this.id = id;
    }
  }
}
