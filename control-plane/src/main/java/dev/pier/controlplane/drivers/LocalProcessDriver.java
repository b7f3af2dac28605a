package dev.pier.controlplane.drivers;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.runtimes.LocalControlPlane;
import dev.pier.controlplane.runtimes.RegistrationToken;
import dev.pier.controlplane.runtimes.RuntimeAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The bare-metal driver: runs {@code pier.runtimes.local.count} runtime servers as child processes
 * ({@code java -jar <pier.runtimes.local.jar>}) once the control plane's web server listens, so
 * they can register with it at once.
 *
 * <p>Each child gets its own model repository under {@code <pier.home>/runtimes/<name>/models},
 * free ports (it binds port 0 and reports the actual ports when it registers), the control plane's
 * URL ({@code https} with {@code --control-plane-ca} when the control plane serves HTTPS), and the
 * registration token and its own auth token in its environment (not on its command line, which
 * every user of the machine can read). With {@code pier.runtimes.local.tls-certificate} and {@code
 * tls-private-key} (and {@code tls-client-ca}) it serves REST and gRPC over (mutual) TLS. Its
 * output goes to {@code <pier.home>/runtimes/<name>/runtime.log}.
 *
 * <p>A child that exits while the driver runs is restarted after a backoff that doubles from 500 ms
 * up to 30 s, and starts again from 500 ms once a child has run for a minute. On shutdown every
 * child gets SIGTERM (the runtime drains in-flight requests), and whatever still runs after the
 * grace period is killed.
 */
@Component
public class LocalProcessDriver implements RuntimeDriver, DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(LocalProcessDriver.class);
  static final String LOCAL_POOL = "local";
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAXIMUM_BACKOFF = Duration.ofSeconds(30);
  private static final Duration STABLE_AFTER = Duration.ofMinutes(1);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final PierProperties properties;
  private final RegistrationToken token;
  private final RuntimeAccess access;
  private final Environment environment;
  private final Path jar;
  private final Map<String, Child> children = new LinkedHashMap<>();
  private final ScheduledExecutorService restarts =
      Executors.newSingleThreadScheduledExecutor(
          task -> Thread.ofPlatform().daemon().name("pier-local-driver").unstarted(task));
  private volatile String controlPlaneUrl;
  private volatile Path controlPlaneCa;
  private boolean stopping;

  LocalProcessDriver(
      PierProperties properties,
      RegistrationToken token,
      RuntimeAccess access,
      Environment environment) {
    this.properties = properties;
    this.token = token;
    this.access = access;
    this.environment = environment;
    this.jar = properties.runtimes().local().jar();
    if (properties.runtimes().local().count() > 0 && !Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "pier.runtimes.local.jar: there is no runtime jar at "
              + jar
              + "; build it with './mvnw package -pl serving-runtime -am' (or point"
              + " pier.runtimes.local.jar at one, or set pier.runtimes.local.count=0 to start no"
              + " local runtimes)");
    }
  }

  /** Starts the local pool once the servlet container listens, so children can register. */
  @EventListener
  void webServerStarted(WebServerInitializedEvent event) {
    if (event.getApplicationContext().getServerNamespace() != null) {
      return; // a management server on its own port, not the API
    }
    controlPlaneUrl = LocalControlPlane.url(environment, event.getWebServer().getPort());
    if (LocalControlPlane.https(environment)) {
      Path configured = properties.runtimes().local().controlPlaneCa();
      controlPlaneCa =
          configured != null ? configured : LocalControlPlane.certificateFile(environment);
    }
    int count = properties.runtimes().local().count();
    if (count > 0) {
      ensureRunning(new ServerPool(LOCAL_POOL, count, List.of("onnx", "cpu")));
    }
  }

  @Override
  public synchronized void ensureRunning(ServerPool pool) {
    if (stopping) {
      throw new IllegalStateException("the local driver is stopping");
    }
    if (controlPlaneUrl == null) {
      throw new IllegalStateException("the control plane does not listen yet");
    }
    for (int index = 1; index <= pool.replicas(); index++) {
      String name = pool.serverName(index);
      if (!children.containsKey(name)) {
        Child child = new Child(name, pool);
        children.put(name, child);
        start(child);
      }
    }
    List<Child> extra = new ArrayList<>();
    for (Child child : children.values()) {
      if (child.pool.name().equals(pool.name()) && index(child.name, pool) > pool.replicas()) {
        extra.add(child);
      }
    }
    for (Child child : extra) {
      children.remove(child.name);
      child.retired = true;
    }
    terminate(extra);
  }

  private static int index(String name, ServerPool pool) {
    try {
      return Integer.parseInt(name.substring(pool.name().length() + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return Integer.MAX_VALUE;
    }
  }

  @Override
  public synchronized List<DriverProcess> processes() {
    List<DriverProcess> processes = new ArrayList<>();
    for (Child child : children.values()) {
      Process process = child.process;
      processes.add(
          new DriverProcess(
              child.name,
              child.pool.name(),
              process == null ? OptionalLong.empty() : OptionalLong.of(process.pid()),
              process != null && process.isAlive(),
              child.restarts));
    }
    return List.copyOf(processes);
  }

  @Override
  public void stop() {
    List<Child> running;
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
      running = new ArrayList<>(children.values());
    }
    restarts.shutdownNow();
    terminate(running);
  }

  @Override
  public void destroy() {
    stop();
  }

  /** SIGTERM to all first, so they drain in parallel; then waits, and kills what is left. */
  private static void terminate(List<Child> stopped) {
    List<Process> processes = new ArrayList<>();
    for (Child child : stopped) {
      Process process = child.process;
      if (process != null && process.isAlive()) {
        process.toHandle().destroy();
        processes.add(process);
      }
    }
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (Process process : processes) {
      try {
        long remaining = Math.max(0, deadline - System.nanoTime());
        if (!process.waitFor(remaining, TimeUnit.NANOSECONDS)) {
          log.warn(
              "local runtime (pid {}) did not stop within {}; killing it",
              process.pid(),
              STOP_GRACE);
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  /** Called with the driver's lock held. */
  private void start(Child child) {
    Path directory = properties.home().resolve("runtimes").resolve(child.name);
    Path models = directory.resolve("models");
    Path logFile = directory.resolve("runtime.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(
        List.of(
            "--model-repository",
            models.toString(),
            "--host",
            "127.0.0.1",
            "--http-port",
            "0",
            "--grpc-port",
            "0",
            "--metrics-port",
            "0",
            "--control-plane-url",
            controlPlaneUrl,
            "--server-name",
            child.name,
            "--capabilities",
            String.join(",", child.pool.capabilities()),
            "--heartbeat-interval",
            heartbeatInterval().toMillis() + "ms"));
    command.addAll(tlsSettings());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    builder.environment().put("PIER_CONTROL_PLANE_TOKEN", token.value());
    builder.environment().put("PIER_AUTH_TOKEN", access.authToken());
    try {
      Files.createDirectories(models);
      Process process = builder.start();
      child.process = process;
      child.startedNanos = System.nanoTime();
      log.info(
          "started local runtime {} (pid {}); its output goes to {}",
          child.name,
          process.pid(),
          logFile);
      process.onExit().thenAccept(exited -> exited(child, exited));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start local runtime " + child.name + ": " + command, e);
    }
  }

  /** Paths only: what the files hold never appears on a command line. */
  private List<String> tlsSettings() {
    List<String> settings = new ArrayList<>();
    PierProperties.Local local = properties.runtimes().local();
    if (local.tls()) {
      settings.addAll(
          List.of(
              "--tls-certificate",
              local.tlsCertificate().toString(),
              "--tls-private-key",
              local.tlsPrivateKey().toString()));
      if (local.tlsClientCa() != null) {
        settings.addAll(List.of("--tls-client-ca", local.tlsClientCa().toString()));
      }
    }
    if (controlPlaneCa != null) {
      settings.addAll(List.of("--control-plane-ca", controlPlaneCa.toString()));
    }
    return settings;
  }

  /**
   * Heartbeats three times per {@code pier.runtimes.lost-after}, so one late heartbeat never makes
   * a runtime LOST; at most every 5 s (the runtime's own default), at least every 100 ms.
   */
  Duration heartbeatInterval() {
    Duration third = properties.runtimes().lostAfter().dividedBy(3);
    if (third.compareTo(Duration.ofSeconds(5)) > 0) {
      return Duration.ofSeconds(5);
    }
    return third.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : third;
  }

  private void exited(Child child, Process process) {
    Duration delay;
    synchronized (this) {
      if (stopping || child.retired || child.process != process) {
        return;
      }
      Duration ran = Duration.ofNanos(System.nanoTime() - child.startedNanos);
      if (ran.compareTo(STABLE_AFTER) >= 0 || child.backoff == null) {
        child.backoff = FIRST_BACKOFF;
      } else {
        child.backoff = min(child.backoff.multipliedBy(2), MAXIMUM_BACKOFF);
      }
      delay = child.backoff;
      log.warn(
          "local runtime {} (pid {}) exited unexpectedly with code {} after {} ms; restarting in {}"
              + " ms (its output is in {})",
          child.name,
          process.pid(),
          process.exitValue(),
          ran.toMillis(),
          delay.toMillis(),
          properties.home().resolve("runtimes").resolve(child.name).resolve("runtime.log"));
    }
    try {
      restarts.schedule(() -> restart(child), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // stopping meanwhile
    }
  }

  private synchronized void restart(Child child) {
    if (stopping || child.retired) {
      return;
    }
    child.restarts++;
    try {
      start(child);
    } catch (UncheckedIOException e) {
      log.error("cannot restart local runtime {}; trying again later", child.name, e);
      child.backoff = min(child.backoff.multipliedBy(2), MAXIMUM_BACKOFF);
      try {
        restarts.schedule(() -> restart(child), child.backoff.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException rejected) {
        // stopping meanwhile
      }
    }
  }

  private static Duration min(Duration first, Duration second) {
    return first.compareTo(second) <= 0 ? first : second;
  }

  /** One local server; its fields are guarded by the driver's lock. */
  private static final class Child {
    final String name;
    final ServerPool pool;
    volatile Process process;
    long startedNanos;
    Duration backoff;
    int restarts;
    boolean retired;

    Child(String name, ServerPool pool) {
      this.name = name;
      this.pool = pool;
    }
  }
}
