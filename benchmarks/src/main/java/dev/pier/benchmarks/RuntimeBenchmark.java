package dev.pier.benchmarks;

import ai.onnxruntime.OrtException;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime benchmark: for each model and concurrency, measures in-process ONNX Runtime, the
 * {@link BaselineServer minimal baseline}, pier-runtime over REST and gRPC, and pier-runtime with
 * dynamic batching on; prints a Markdown table and the comparisons Pier's targets are stated in.
 *
 * <p>Run from the repository root after {@code ./mvnw -q -pl benchmarks -am package -DskipTests}:
 * {@code ORT_DISABLE_TELEMETRY=1 java -jar benchmarks/target/pier-benchmarks.jar [--key value
 * ...]}; {@code --help} lists the keys. Both servers run as child JVMs on 127.0.0.1 and free ports
 * and are stopped at the end.
 */
public final class RuntimeBenchmark extends Harness<RuntimeBenchmark.Mode> {

  /** What a row measures. */
  enum Mode implements Harness.Route {
    IN_PROCESS,
    BASELINE,
    BASELINE_POOL,
    REST,
    GRPC,
    REST_BATCHED,
    GRPC_BATCHED;

    @Override
    public String label() {
      return switch (this) {
        case IN_PROCESS -> "in-process ORT";
        case BASELINE -> "baseline HTTP, JSON, dispatcher thread";
        case BASELINE_POOL -> "baseline HTTP, JSON, thread pool";
        case REST -> "pier REST, JSON";
        case GRPC -> "pier gRPC, raw";
        case REST_BATCHED -> "pier REST, JSON, batching on";
        case GRPC_BATCHED -> "pier gRPC, raw, batching on";
      };
    }

    boolean baseline() {
      return this == BASELINE || this == BASELINE_POOL;
    }

    boolean batched() {
      return this == REST_BATCHED || this == GRPC_BATCHED;
    }
  }

  /** The harness's settings; every one has a default, so a bare run measures everything. */
  record Options(
      Harness.Plan plan,
      Path runtimeJar,
      Path modelsDirectory,
      List<String> batchedModels,
      Set<Mode> modes,
      int baselinePoolThreads,
      int maxBatchSize,
      int maxQueueDelayMicros,
      int batchInstances,
      List<String> runtimeArguments,
      List<String> runtimeJvmArguments) {

    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
      Map<String, String> defaults = new LinkedHashMap<>();
      defaults.put("runtime-jar", "serving-runtime/target/pier-runtime.jar");
      defaults.put("models-dir", "examples/target/model-repository");
      defaults.put("batched-models", "mlp");
      defaults.put(
          "modes", "in-process,baseline,baseline-pool,rest,grpc,rest-batched,grpc-batched");
      Harness.Plan.defaults(defaults, "benchmarks/target/benchmark-results.md");
      defaults.put(
          "baseline-pool-threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
      defaults.put("max-batch-size", "64");
      defaults.put("max-queue-delay-us", "2000");
      defaults.put("batch-instances", "2");
      // Extra pier-runtime settings, space-separated, e.g. "--http-threads 8".
      defaults.put("runtime-args", "");
      // Extra JVM options for pier-runtime, space-separated, e.g. "-Xlog:gc -XX:+UseParallelGC".
      defaults.put("runtime-jvm-args", "");
      return java.util.Collections.unmodifiableMap(defaults);
    }

    static Options parse(String[] args) {
      Settings values = Settings.parse(args, DEFAULTS);
      return new Options(
          Harness.Plan.parse(values),
          Path.of(values.get("runtime-jar")),
          Path.of(values.get("models-dir")),
          values.list("batched-models"),
          EnumSet.copyOf(
              values.list("modes").stream().map(key -> Harness.Route.of(Mode.class, key)).toList()),
          values.integer("baseline-pool-threads"),
          values.integer("max-batch-size"),
          values.integer("max-queue-delay-us"),
          values.integer("batch-instances"),
          values.words("runtime-args"),
          values.words("runtime-jvm-args"));
    }
  }

  private static final String BATCHED_SUFFIX = "-batched";

  private final Options options;
  private InProcessModels inProcess;
  private final Map<Mode, ChildProcess> baselines = new LinkedHashMap<>();
  private final Map<Mode, Integer> baselinePorts = new LinkedHashMap<>();
  private ChildProcess runtime;
  private int runtimeHttpPort;
  private int runtimeGrpcPort;

  private RuntimeBenchmark(Options options, Path workDirectory) {
    super(
        workDirectory,
        new Report(List.of("Server CPU"), "Minimal baseline, same measure"),
        options.plan());
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Harness.main(
        args,
        "RuntimeBenchmark",
        Options.DEFAULTS,
        (arguments, workDirectory) ->
            new RuntimeBenchmark(Options.parse(arguments), workDirectory));
  }

  @Override
  void start() throws IOException, InterruptedException, OrtException {
    Path repository = prepareRepository();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    boolean needsRuntime =
        options.modes().stream().anyMatch(m -> m != Mode.IN_PROCESS && !m.baseline());
    if (needsRuntime) {
      Path runtimeJar =
          ModelFiles.privateCopy(
              options.runtimeJar(),
              workDirectory,
              "./mvnw -q -pl serving-runtime package -Dmaven.test.skip=true");
      List<String> command =
          new ArrayList<>(
              List.of(
                  java,
                  "-jar",
                  runtimeJar.toString(),
                  "--model-repository",
                  repository.toString(),
                  "--host",
                  "127.0.0.1",
                  "--http-port",
                  "0",
                  "--grpc-port",
                  "0",
                  "--metrics-port",
                  "0"));
      command.addAll(1, options.runtimeJvmArguments());
      command.addAll(options.runtimeArguments());
      runtime =
          ChildProcess.start("pier-runtime", command, workDirectory.resolve("pier-runtime.log"));
      String listening =
          runtime.awaitLine(l -> l.startsWith("pier-runtime listening:"), Duration.ofSeconds(60));
      runtimeHttpPort = port(listening, "http");
      runtimeGrpcPort = port(listening, "grpc");
      String ready =
          runtime.awaitLine(l -> l.startsWith("pier-runtime ready="), Duration.ofMinutes(2));
      if (!ready.startsWith("pier-runtime ready=true")) {
        throw new IOException("pier-runtime did not load every model: " + ready);
      }
      System.out.println("pier-runtime: http=" + runtimeHttpPort + " grpc=" + runtimeGrpcPort);
    }
    // Two baselines: handlers on the dispatcher thread (no hand-off, best for tiny models) and on
    // a pool as large as the machine (both cores for inference, best for heavier models).
    if (options.modes().contains(Mode.BASELINE)) {
      startBaseline(Mode.BASELINE, java, 0);
    }
    if (options.modes().contains(Mode.BASELINE_POOL)) {
      startBaseline(Mode.BASELINE_POOL, java, options.baselinePoolThreads());
    }
    if (options.modes().contains(Mode.IN_PROCESS)) {
      inProcess = new InProcessModels(options.modelsDirectory(), plan.models());
    }
  }

  private void startBaseline(Mode mode, String java, int threads)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                BaselineServer.class.getName(),
                "--threads",
                Integer.toString(threads)));
    for (String model : plan.models()) {
      command.add("--model");
      command.add(model + "=" + modelFile(model));
    }
    ChildProcess baseline =
        ChildProcess.start(mode.key(), command, workDirectory.resolve(mode.key() + ".log"));
    baselines.put(mode, baseline);
    int port =
        port(
            baseline.awaitLine(l -> l.startsWith("baseline listening:"), Duration.ofMinutes(1)),
            "http");
    baselinePorts.put(mode, port);
    System.out.println(mode.key() + ": http=" + port + " threads=" + threads);
  }

  /**
   * A repository with only the benchmarked models (pier-runtime loads everything it finds), plus a
   * copy of each batched model with a config.json turning dynamic batching on.
   */
  private Path prepareRepository() throws IOException {
    Path repository = Files.createDirectories(workDirectory.resolve("repository"));
    for (String model : plan.models()) {
      ModelFiles.copyTree(options.modelsDirectory().resolve(model), repository.resolve(model));
      if (options.batchedModels().contains(model)) {
        Path batched = repository.resolve(model + BATCHED_SUFFIX);
        ModelFiles.copyTree(modelFile(model).getParent(), batched.resolve("1"));
        Files.writeString(
            batched.resolve("config.json"),
            "{\"dynamic_batching\": {\"max_batch_size\": "
                + options.maxBatchSize()
                + ", \"max_queue_delay_microseconds\": "
                + options.maxQueueDelayMicros()
                + "}, \"instances\": "
                + options.batchInstances()
                + "}\n");
      }
    }
    return repository;
  }

  private Path modelFile(String model) throws IOException {
    return ModelFiles.modelFile(options.modelsDirectory(), model);
  }

  private static int port(String line, String name) {
    Matcher matcher = Pattern.compile(name + "=(\\d+)").matcher(line);
    if (!matcher.find()) {
      throw new IllegalStateException("no " + name + " port in '" + line + "'");
    }
    return Integer.parseInt(matcher.group(1));
  }

  @Override
  List<Mode> routes(String model) {
    return options.modes().stream()
        .filter(mode -> !mode.batched() || options.batchedModels().contains(model))
        .toList();
  }

  @Override
  void smokeTest(Workload workload, Mode mode) throws Exception {
    Workload target = mode.batched() ? workload.as(workload.model() + BATCHED_SUFFIX) : workload;
    switch (mode) {
      case BASELINE, BASELINE_POOL, REST, REST_BATCHED -> {
        int port = mode.baseline() ? baselinePorts.get(mode) : runtimeHttpPort;
        HttpKeepAliveClient.smokeTest(
            mode.key() + " " + target.model(), port, target.httpRequest(port));
      }
      case GRPC, GRPC_BATCHED -> {
        ManagedChannel channel = channel();
        try {
          ModelInferResponse response =
              GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(target.grpcRequest());
          System.out.println(
              "smoke "
                  + mode.key()
                  + " "
                  + target.model()
                  + ": outputs="
                  + response.getOutputsList().stream().map(o -> o.getName()).toList()
                  + " raw_output_contents="
                  + response.getRawOutputContentsCount());
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
      case IN_PROCESS -> inProcess.smokeTest(workload);
    }
  }

  @Override
  LoadRunner.Result runRow(
      Workload workload, Mode mode, int concurrency, Duration warmup, Duration duration)
      throws Exception {
    Workload target = mode.batched() ? workload.as(workload.model() + BATCHED_SUFFIX) : workload;
    return switch (mode) {
      case IN_PROCESS ->
          LoadRunner.run(() -> inProcess.caller(workload), concurrency, warmup, duration);
      case BASELINE, BASELINE_POOL ->
          LoadRunner.run(
              HttpKeepAliveClient.callers(
                  baselinePorts.get(mode), target.httpRequest(baselinePorts.get(mode))),
              concurrency,
              warmup,
              duration,
              baselines.get(mode).handle());
      case REST, REST_BATCHED ->
          LoadRunner.run(
              HttpKeepAliveClient.callers(runtimeHttpPort, target.httpRequest(runtimeHttpPort)),
              concurrency,
              warmup,
              duration,
              runtime.handle());
      case GRPC, GRPC_BATCHED -> {
        // One HTTP/2 connection shared by every caller, as a gRPC client normally has.
        ManagedChannel channel = channel();
        try {
          ModelInferRequest request = target.grpcRequest();
          yield LoadRunner.run(
              () -> {
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
                return new LoadRunner.Caller() {
                  @Override
                  public boolean call() {
                    try {
                      return stub.modelInfer(request).getRawOutputContentsCount() > 0;
                    } catch (StatusRuntimeException e) {
                      // RESOURCE_EXHAUSTED and the like: the server answered, so go on (counted).
                      return false;
                    }
                  }

                  @Override
                  public void close() {}
                };
              },
              concurrency,
              warmup,
              duration,
              runtime.handle());
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    };
  }

  private ManagedChannel channel() {
    // Responses are handled on the Netty thread that read them: no client-side executor hop.
    return NettyChannelBuilder.forAddress("127.0.0.1", runtimeGrpcPort)
        .usePlaintext()
        .directExecutor()
        .maxInboundMessageSize(64 * 1024 * 1024)
        .build();
  }

  @Override
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    baselines.values().forEach(ChildProcess::close);
    if (inProcess != null) {
      inProcess.close();
    }
    // Keep the servers' logs; the model and jar copies are large and of no further use.
    deleteCopies("repository", options.runtimeJar().getFileName().toString());
  }

  @Override
  String settings() {
    return new StringBuilder()
        .append("; baseline pool threads ")
        .append(options.baselinePoolThreads())
        .append("; batching max_batch_size ")
        .append(options.maxBatchSize())
        .append(", max_queue_delay ")
        .append(options.maxQueueDelayMicros())
        .append(" µs, instances ")
        .append(options.batchInstances())
        .toString();
  }

  @Override
  void checkTargets() {
    for (String model : plan.models()) {
      LoadRunner.Result inProcessRow = find(model, Mode.IN_PROCESS, 1);
      // What the floor itself pays over in-process: how much of a gap HTTP + JSON alone explain.
      String baselineAlone =
          Report.p50Difference(
              quicker(find(model, Mode.BASELINE, 1), find(model, Mode.BASELINE_POOL, 1)),
              inProcessRow);
      report.difference(
          "REST p50 − in-process p50, c=1",
          model,
          find(model, Mode.REST, 1),
          inProcessRow,
          150,
          baselineAlone);
      report.difference(
          "gRPC p50 − in-process p50, c=1",
          model,
          find(model, Mode.GRPC, 1),
          inProcessRow,
          100,
          baselineAlone);
      report.ratio(
          "REST throughput / best baseline throughput, c=16",
          model,
          find(model, Mode.REST, 16),
          faster(find(model, Mode.BASELINE, 16), find(model, Mode.BASELINE_POOL, 16)),
          0.9,
          null);
      report.ratio(
          "REST batching on / off throughput, c=64",
          model,
          find(model, Mode.REST_BATCHED, 64),
          find(model, Mode.REST, 64),
          3.0,
          null);
      report.ratio(
          "gRPC batching on / off throughput, c=64",
          model,
          find(model, Mode.GRPC_BATCHED, 64),
          find(model, Mode.GRPC, 64),
          3.0,
          null);
    }
  }

  private static LoadRunner.Result quicker(LoadRunner.Result a, LoadRunner.Result b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return a.p50Nanos() <= b.p50Nanos() ? a : b;
  }

  private static LoadRunner.Result faster(LoadRunner.Result a, LoadRunner.Result b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return a.throughput() >= b.throughput() ? a : b;
  }
}
