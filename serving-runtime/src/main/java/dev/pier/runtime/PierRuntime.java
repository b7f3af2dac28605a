package dev.pier.runtime;

import dev.pier.runtime.grpc.GrpcServer;
import dev.pier.runtime.metrics.RuntimeMetrics;
import dev.pier.runtime.model.ControlPlaneDownloads;
import dev.pier.runtime.model.ModelServer;
import dev.pier.runtime.registration.ControlPlaneClient;
import dev.pier.runtime.registration.RuntimeLoad;
import dev.pier.runtime.registration.RuntimeRegistration;
import dev.pier.runtime.rest.RestServer;
import dev.pier.runtime.security.BearerToken;
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
 *
 * <p>Security: {@code auth-token} guards REST and gRPC (not health, not metrics); {@code
 * tls-certificate}/{@code tls-private-key} (and {@code tls-client-ca} for mutual TLS) put both
 * front ends on TLS; the TLS files are read before anything binds, so a bad one stops startup.
 */
public final class PierRuntime implements AutoCloseable {
  private final RuntimeConfig config;
  private final RuntimeTls tls;
  private final ModelServer models;
  private final RestServer rest;
  private final GrpcServer grpc;
  private final HTTPServer metricsServer;
  private volatile ControlPlaneClient controlPlane;

  private PierRuntime(RuntimeConfig config, RuntimeTls tls) throws IOException {
    this.config = config;
    this.tls = tls;
    RuntimeMetrics metrics = new RuntimeMetrics();
    BearerToken token = BearerToken.of(config.authToken());
    this.models =
        new ModelServer(
            config.modelRepository(),
            config.modelDefaults(),
            config.memoryBudgetBytes(),
            config.maxArtifactBytes(),
            new ControlPlaneDownloads(
                config.controlPlaneUrl(), config.controlPlaneToken(), tls.controlPlane()),
            metrics);
    this.rest =
        new RestServer(
            models,
            config.host(),
            config.httpPort(),
            config.maxRequestBytes(),
            config.httpThreads(),
            token,
            tls.server());
    this.grpc =
        new GrpcServer(
            models,
            config.host(),
            config.grpcPort(),
            (int) Math.min(Integer.MAX_VALUE, config.maxRequestBytes()),
            config.grpcThreads(),
            token,
            tls.server());
    this.metricsServer =
        HTTPServer.builder()
            .hostname(config.host())
            .port(config.metricsPort())
            .registry(metrics.registry())
            .buildAndStart();
  }

  /**
   * Starts the servers (live at once, ready once the models are loaded) and loads the models.
   *
   * @throws RuntimeConfig.ConfigException when a TLS file cannot be used; nothing is bound then
   */
  public static PierRuntime start(RuntimeConfig config)
      throws IOException, RuntimeConfig.ConfigException {
    PierRuntime runtime = new PierRuntime(config, RuntimeTls.load(config));
    runtime.rest.start();
    runtime.grpc.start();
    System.out.printf(
        "pier-runtime listening: http=%d grpc=%d metrics=%d repository=%s tls=%s auth=%s%n",
        runtime.rest.port(),
        runtime.grpc.port(),
        runtime.metricsServer.getPort(),
        config.modelRepository().toAbsolutePath(),
        config.tls() ? (config.tlsClientCa() != null ? "mutual" : "on") : "off",
        config.authToken().isEmpty() ? "off" : "bearer");
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
            (config.tls() ? "https://" : "http://") + urlHost + ":" + rest.port(),
            urlHost + ":" + grpc.port(),
            config.tls(),
            "http://" + urlHost + ":" + metricsServer.getPort() + "/metrics",
            config.capabilities(),
            ControlPlaneClient.memoryCapacity(config.memoryBudgetBytes()),
            models.serverMetadata().version());
    ControlPlaneClient client =
        new ControlPlaneClient(
            config.controlPlaneUrl(),
            config.controlPlaneToken(),
            tls.controlPlane(),
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
    } catch (RuntimeConfig.ConfigException e) {
      System.err.println("pier-runtime: " + e.getMessage());
      System.exit(2);
      return;
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
      usage.append(
          String.format(
              "  --%-20s %s (default: %s)%n",
              entry.getKey(),
              RuntimeConfig.DESCRIPTIONS.get(entry.getKey()),
              entry.getValue().isEmpty() ? "unset" : entry.getValue()));
    }
    usage.append(
        String.format("  --%-20s a properties file with any of the keys above%n", "config"));
    usage.append(
        "\nSecrets (auth-token, control-plane-token) belong in the environment or a file only the"
            + " runtime's user can read, not on the command line. The metrics port is never"
            + " authenticated or encrypted: Prometheus scrapes it as it is.\n");
    return usage.toString();
  }
}
