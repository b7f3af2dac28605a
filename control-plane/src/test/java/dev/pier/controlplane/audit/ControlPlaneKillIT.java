package dev.pier.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.testing.Administrator;
import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.ControlPlaneMain;
import dev.pier.controlplane.testing.Iris;
import dev.pier.controlplane.testing.IrisEndpoint;
import dev.pier.controlplane.testing.RuntimeJar;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6's fault test for the control plane itself: a control plane process (the test application
 * in a JVM of its own, with its embedded PostgreSQL as the sink and a local runtime) is killed with
 * SIGKILL while four clients send inferences through its gateway; started again on the same home,
 * it records what its intake log and journal hold. Every request that was answered 200 has exactly
 * one record, in the order answered, and the chain verifies.
 *
 * <p>The kill takes the whole process tree (the runtime and PostgreSQL too), as a crashed machine
 * or container would; nothing is shut down in order.
 */
class ControlPlaneKillIT {
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path pierHome;
  @TempDir Path logs;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    for (Process process : started) {
      killTree(process);
    }
  }

  @Test
  void afterASigkillUnderTrafficEveryAnsweredRequestIsRecordedOnce() throws Exception {
    int port = freePort();
    Process first = start(port, "first.log", "pier.runtimes.local.count=1");
    ApiClient api = signIn(port, first, "first.log");
    IrisEndpoint.create(api, "flowers");
    Awaiting.until(
        "the gateway serves the endpoint",
        WAIT,
        () -> api.postJson("/v2/models/flowers/infer", Iris.SETOSA).status() == 200,
        () -> log("first.log"));

    AuditedTraffic traffic = AuditedTraffic.start(api, "flowers", "killed", 4);
    try {
      Awaiting.until(
          "requests flow and records are stored",
          WAIT,
          () ->
              traffic.answered() >= 400
                  && api.get("/api/v1/audit/status").json().get("delivered").asLong() >= 100,
          () -> log("first.log"));
      killTree(first);
      traffic.stop();
    } finally {
      traffic.close();
    }
    assertThat(traffic.otherAnswers()).as("requests not answered 200").isEmpty();

    Process second = start(port, "second.log", "pier.runtimes.local.count=0");
    ApiClient restarted = signIn(port, second, "second.log");
    Awaiting.until(
        "the intake log is worked off and the last answered requests are recorded",
        AuditedTraffic.RECORDS_WAIT,
        () ->
            restarted.get("/api/v1/audit/status").json().get("waiting").asInt() == 0
                && traffic.lastAnsweredRecorded(restarted),
        () -> restarted.get("/api/v1/audit/status").text() + "\n" + log("second.log"));
    traffic.assertRecordedOnceInOrder(AuditedTraffic.exportedInferences(restarted));
    String intake =
        log("second.log")
            .lines()
            .filter(line -> line.contains("The audit intake log holds"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the restart found no intake log"));
    // How many were in flight (in memory only, but for the intake log) at the kill varies.
    System.out.println("ControlPlaneKillIT restart: " + intake.substring(intake.indexOf("The")));

    AuditedTraffic.assertEveryStreamIntact(restarted);
  }

  private Process start(int port, String logName, String... properties) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx768m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ControlPlaneMain.class.getName());
    command.add("--server.port=" + port);
    command.add("--pier.gateway.grpc-port=0");
    command.add("--spring.main.banner-mode=off");
    command.add("--pier.home=" + pierHome);
    command.add("--pier.runtimes.local.jar=" + RuntimeJar.path());
    command.add("--" + Administrator.INITIAL_PASSWORD_SETTING);
    for (String property : properties) {
      command.add("--" + property);
    }
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve(logName).toFile());
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    Process process = builder.start();
    started.add(process);
    return process;
  }

  /** Signs in as the admin once the process serves and has created its first admin. */
  private ApiClient signIn(int port, Process process, String logName) {
    ApiClient anonymous = new ApiClient(port);
    ApiClient[] admin = new ApiClient[1];
    Awaiting.until(
        "the control plane lets the admin sign in",
        START,
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("the control plane exited\n" + log(logName));
          }
          try {
            admin[0] = Administrator.signIn(anonymous);
            return true;
          } catch (RuntimeException | AssertionError notYet) {
            // Not serving yet, or the first admin is created just after the web server starts.
            return false;
          }
        },
        () -> log(logName));
    return admin[0];
  }

  /**
   * SIGKILL for the process and everything it started, as a crash leaves them: its children (the
   * runtime) and the embedded PostgreSQL, which {@code pg_ctl} detached from it.
   */
  private void killTree(Process process) {
    List<ProcessHandle> descendants = new ArrayList<>(process.descendants().toList());
    postmaster()
        .ifPresent(
            postmaster -> {
              descendants.add(postmaster);
              descendants.addAll(postmaster.descendants().toList());
            });
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(30, TimeUnit.SECONDS);
      for (ProcessHandle descendant : descendants) {
        descendant.onExit().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new AssertionError("a killed process did not exit", e);
    }
  }

  /** The embedded PostgreSQL's server process, from its pid file in the home. */
  private java.util.Optional<ProcessHandle> postmaster() {
    Path pidFile = pierHome.resolve("postgres").resolve("postmaster.pid");
    try {
      String pid = Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).strip();
      return ProcessHandle.of(Long.parseLong(pid));
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  private String log(String name) {
    try {
      String text = Files.readString(logs.resolve(name), StandardCharsets.UTF_8);
      return text.length() > 20_000 ? text.substring(text.length() - 20_000) : text;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
