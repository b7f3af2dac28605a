package dev.pier.runtime;

import dev.pier.runtime.grpc.GrpcServer;
import dev.pier.runtime.metrics.RuntimeMetrics;
import dev.pier.runtime.model.ArtifactCredentials;
import dev.pier.runtime.model.ModelServer;
import dev.pier.runtime.registration.ControlPlaneClient;
import dev.pier.runtime.registration.RuntimeLoad;
import dev.pier.runtime.registration.RuntimeRegistration;
import dev.pier.runtime.rest.RestServer;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * The serving runtime executable: loads the model repository and serves it over OIP REST, OIP gRPC
 * and Prometheus metrics. No framework, so it starts in well under a second for small models.
 *
 * <p>Shutdown (SIGTERM or SIGINT): readiness turns false at once, the servers stop accepting,
 * in-flight requests finish within {@code shutdown-grace}, then the sessions close.
 */
public final class PierRuntime implements AutoCloseable {
  private final RuntimeConfig config;
  private final ModelServer models;
  private final RestServer rest;
  private final GrpcServer grpc;
  private final HTTPServer metricsServer;
  private volatile ControlPlaneClient controlPlane;

  private PierRuntime(RuntimeConfig config) throws IOException {
    this.config = config;
    RuntimeMetrics metrics = new RuntimeMetrics();
    this.models =
        new ModelServer(
            config.modelRepository(),
            config.modelDefaults(),
            config.memoryBudgetBytes(),
            config.maxArtifactBytes(),
            // The control plane serves artifacts only to callers it knows: runtimes send the
            // registration token they register with.
            ArtifactCredentials.forControlPlane(
                config.controlPlaneUrl(), config.controlPlaneToken()),
            metrics);
    this.rest =
        new RestServer(
            models,
            config.host(),
            config.httpPort(),
            config.maxRequestBytes(),
            config.httpThreads());
    this.grpc =
        new GrpcServer(
            models,
            config.host(),
            config.grpcPort(),
            (int) Math.min(Integer.MAX_VALUE, config.maxRequestBytes()),
            config.grpcThreads());
    this.metricsServer =
        HTTPServer.builder()
            .hostname(config.host())
            .port(config.metricsPort())
            .registry(metrics.registry())
            .buildAndStart();
  }

  /** Starts the servers (live at once, ready once the models are loaded) and loads the models. */
  public static PierRuntime start(RuntimeConfig config) throws IOException {
    PierRuntime runtime = new PierRuntime(config);
    runtime.rest.start();
    runtime.grpc.start();
    System.out.printf(
        "pier-runtime listening: http=%d grpc=%d metrics=%d repository=%s%n",
        runtime.rest.port(),
        runtime.grpc.port(),
        runtime.metricsServer.getPort(),
        config.modelRepository().toAbsolutePath());
    if (config.registers()) {
      runtime.controlPlane = runtime.registerWithControlPlane();
    }
    long started = System.nanoTime();
    runtime.models.loadRepository(config.loadThreads());
    System.out.printf(
        "pier-runtime ready=%s: %d model versions in the index, loaded in %d ms%n",
        runtime.models.ready(),
        runtime.models.repositoryIndex(false).size(),
        (System.nanoTime() - started) / 1_000_000);
    return runtime;
  }

  /**
   * Starts registering and heartbeating on the client's own thread; the models load meanwhile and
   * the heartbeats report their states as they change.
   */
  private ControlPlaneClient registerWithControlPlane() {
    String host = config.advertiseHost();
    String urlHost = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    String name =
        config.serverName().isEmpty() ? localHostName() + "-" + rest.port() : config.serverName();
    RuntimeRegistration registration =
        new RuntimeRegistration(
            name,
            "http://" + urlHost + ":" + rest.port(),
            urlHost + ":" + grpc.port(),
            "http://" + urlHost + ":" + metricsServer.getPort() + "/metrics",
            config.capabilities(),
            ControlPlaneClient.memoryCapacity(config.memoryBudgetBytes()),
            models.serverMetadata().version());
    ControlPlaneClient client =
        new ControlPlaneClient(
            config.controlPlaneUrl(),
            config.controlPlaneToken(),
            registration,
            () ->
                new RuntimeLoad(
                    models.inFlightRequests(),
                    models.memoryUsedBytes(),
                    models.repositoryIndex(false)),
            config.heartbeatInterval());
    client.start();
    System.out.printf("pier-runtime registering with %s as %s%n", config.controlPlaneUrl(), name);
    return client;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String fromEnvironment = System.getenv("HOSTNAME");
      return fromEnvironment == null || fromEnvironment.isBlank() ? "runtime" : fromEnvironment;
    }
  }

  public int httpPort() {
    return rest.port();
  }

  public int grpcPort() {
    return grpc.port();
  }

  public int metricsPort() {
    return metricsServer.getPort();
  }

  @Override
  public void close() {
    ControlPlaneClient client = controlPlane;
    if (client != null) {
      client.close();
    }
    models.beginShutdown();
    rest.stop(config.shutdownGrace());
    grpc.close();
    metricsServer.close();
    models.close();
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(usage());
      return;
    }
    RuntimeConfig config;
    try {
      config = RuntimeConfig.resolve(args, System.getenv());
    } catch (RuntimeConfig.ConfigException e) {
      System.err.println("pier-runtime: " + e.getMessage());
      System.exit(2);
      return;
    }
    // The runtime handles SIGTERM and SIGINT itself instead of in a shutdown hook: ONNX Runtime
    // registers a hook that frees its native environment, and hooks run concurrently, so a hook of
    // ours would still be draining requests while ONNX Runtime's freed the memory under them.
    CountDownLatch stopRequested = new CountDownLatch(1);
    for (String signal : List.of("TERM", "INT")) {
      Signal.handle(new Signal(signal), received -> stopRequested.countDown());
    }
    PierRuntime runtime;
    try {
      runtime = start(config);
    } catch (IOException | java.io.UncheckedIOException e) {
      System.err.println("pier-runtime: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    stopRequested.await();
    runtime.close();
    System.out.println("pier-runtime stopped");
    System.exit(0);
  }

  private static String usage() {
    StringBuilder usage =
        new StringBuilder(
            "usage: java -jar pier-runtime.jar [--key value]...\n"
                + "Each key may also be set as PIER_<KEY> in the environment or in a --config"
                + " properties file.\n\n");
    for (var entry : RuntimeConfig.DEFAULTS.entrySet()) {
      usage.append(String.format("  --%-20s default %s%n", entry.getKey(), entry.getValue()));
    }
    usage.append(
        String.format("  --%-20s a properties file with any of the keys above%n", "config"));
    return usage.toString();
  }
}
