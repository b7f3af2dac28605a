package dev.pier.testing.elasticsearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Elasticsearch 8 node for integration tests: the integ-test distribution that the build
 * unpacks ({@code pier.elasticsearch.home}), run as a child process on free ports with its own
 * config, data and log directories under {@code target/elasticsearch-nodes}. It refuses to run as
 * root, so as root it runs as uid 65534 through {@code setpriv}.
 *
 * <p>Register it with {@code @RegisterExtension static}. The first test class that needs it starts
 * it; the classes after it share it (each uses its own indices), and it is stopped when the test
 * run ends — or by a shutdown hook if the JVM goes first. A test may {@link #stop()} and {@link
 * #start()} it again: same ports, same data; the next class finds it running again in any case.
 */
public final class ElasticsearchNode implements BeforeAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ElasticsearchNode.class);

  private Node node;

  @Override
  public void beforeAll(ExtensionContext context) {
    node =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .computeIfAbsent("node", key -> Node.create(), Node.class);
    node.start();
  }

  public URI url() {
    return node.url();
  }

  public boolean isRunning() {
    return node.isRunning();
  }

  /** Starts the node (again) and waits until its cluster health is yellow or green. */
  public void start() {
    node.start();
  }

  /** Stops the node as an operator would (SIGTERM) and waits until it has exited. */
  public void stop() {
    node.stop();
  }

  /** The process, shared by all test classes of a run; closed by JUnit at the end of the run. */
  private static final class Node implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final String UNPRIVILEGED = "65534";

    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Path home;
    private Path nodeDirectory;
    private int httpPort;
    private int transportPort;
    private Process process;
    private Thread shutdownHook;

    static Node create() {
      try {
        Node node = new Node();
        node.prepare();
        return node;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private void prepare() throws IOException, InterruptedException {
      String configured = System.getProperty("pier.elasticsearch.home");
      if (configured == null || !Files.isDirectory(Path.of(configured))) {
        throw new IllegalStateException(
            "pier.elasticsearch.home does not name the unpacked Elasticsearch distribution ("
                + configured
                + "); run the integration tests through Maven (failsafe), which unpacks it");
      }
      home = Path.of(configured);
      nodeDirectory =
          home.getParent()
              .getParent()
              .resolve("elasticsearch-nodes")
              .resolve("node-" + UUID.randomUUID());
      prepareDirectories();
      httpPort = freePort();
      transportPort = freePort();
      shutdownHook = new Thread(this::kill, "elasticsearch-node-killer");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public void close() throws IOException {
      try {
        stop();
      } finally {
        kill();
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      }
      // The logs stay for whoever reads a failure; the indices would only fill the disk.
      try (Stream<Path> files = Files.walk(nodeDirectory.resolve("data"))) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + httpPort);
    }

    synchronized boolean isRunning() {
      return process != null && process.isAlive();
    }

    synchronized void start() {
      if (isRunning()) {
        return;
      }
      List<String> command = new ArrayList<>();
      if (runningAsRoot()) {
        command.addAll(
            List.of(
                "setpriv", "--reuid=" + UNPRIVILEGED, "--regid=" + UNPRIVILEGED, "--clear-groups"));
      }
      command.addAll(
          List.of(
              "env",
              "ES_JAVA_HOME=" + System.getProperty("java.home"),
              "ES_PATH_CONF=" + nodeDirectory.resolve("config"),
              "ES_TMPDIR=" + nodeDirectory.resolve("tmp"),
              "ES_JAVA_OPTS=-Xms512m -Xmx512m",
              home.resolve("bin").resolve("elasticsearch").toString(),
              "-E",
              "cluster.name=pier-audit-test",
              "-E",
              "node.name=" + nodeDirectory.getFileName(),
              "-E",
              "discovery.type=single-node",
              "-E",
              "network.host=127.0.0.1",
              "-E",
              "http.port=" + httpPort,
              "-E",
              "transport.port=" + transportPort,
              "-E",
              "xpack.security.enabled=false",
              "-E",
              "path.data=" + nodeDirectory.resolve("data"),
              "-E",
              "path.logs=" + nodeDirectory.resolve("logs"),
              // A nearly full build disk must not turn the test indices read-only.
              "-E",
              "cluster.routing.allocation.disk.threshold_enabled=false"));
      try {
        process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                    ProcessBuilder.Redirect.appendTo(nodeDirectory.resolve("console.log").toFile()))
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start Elasticsearch", e);
      }
      awaitHealthy();
    }

    synchronized void stop() {
      if (process == null) {
        return;
      }
      List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
      all.add(process.toHandle());
      all.forEach(ProcessHandle::destroy);
      long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
      for (ProcessHandle handle : all) {
        long remaining = deadline - System.nanoTime();
        try {
          handle.onExit().get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          handle.destroyForcibly();
        }
      }
      process = null;
    }

    private synchronized void kill() {
      if (process != null) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }

    private void awaitHealthy() {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      HttpRequest health =
          HttpRequest.newBuilder(
                  url().resolve("/_cluster/health?wait_for_status=yellow&timeout=1s"))
              .timeout(Duration.ofSeconds(5))
              .build();
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "Elasticsearch exited with " + process.exitValue() + ":\n" + logTail());
        }
        try {
          HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 200 && !response.body().contains("\"status\":\"red\"")) {
            return;
          }
        } catch (IOException e) {
          // Not listening yet.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while Elasticsearch started", e);
        }
        if (System.nanoTime() - deadline >= 0) {
          throw new IllegalStateException(
              "Elasticsearch was not healthy within " + START_TIMEOUT + ":\n" + logTail());
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
    }

    private String logTail() {
      try {
        List<String> lines = Files.readAllLines(nodeDirectory.resolve("console.log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException e) {
        return "(no console log: " + e + ")";
      }
    }

    private void prepareDirectories() throws IOException, InterruptedException {
      Path config = nodeDirectory.resolve("config");
      Files.createDirectories(config);
      for (String directory : List.of("data", "logs", "tmp")) {
        Files.createDirectories(nodeDirectory.resolve(directory));
      }
      Path source = home.resolve("config");
      try (Stream<Path> files = Files.walk(source)) {
        for (Path file : files.toList()) {
          Path target = config.resolve(source.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      if (runningAsRoot()) {
        Process chown =
            new ProcessBuilder(
                    "chown", "-R", UNPRIVILEGED + ":" + UNPRIVILEGED, nodeDirectory.toString())
                .inheritIO()
                .start();
        if (chown.waitFor() != 0) {
          throw new IOException("chown of " + nodeDirectory + " failed");
        }
      }
    }

    private static boolean runningAsRoot() {
      return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0)) {
        socket.setReuseAddress(true);
        return socket.getLocalPort();
      }
    }
  }
}
