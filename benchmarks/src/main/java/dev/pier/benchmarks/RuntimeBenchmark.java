package dev.pier.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
public final class RuntimeBenchmark {

  /** What a row measures. */
  enum Mode {
    IN_PROCESS("in-process", "in-process ORT"),
    BASELINE("baseline", "baseline HTTP, JSON, dispatcher thread"),
    BASELINE_POOL("baseline-pool", "baseline HTTP, JSON, thread pool"),
    REST("rest", "pier REST, JSON"),
    GRPC("grpc", "pier gRPC, raw"),
    REST_BATCHED("rest-batched", "pier REST, JSON, batching on"),
    GRPC_BATCHED("grpc-batched", "pier gRPC, raw, batching on");

    final String key;
    final String label;

    Mode(String key, String label) {
      this.key = key;
      this.label = label;
    }

    boolean baseline() {
      return this == BASELINE || this == BASELINE_POOL;
    }

    boolean batched() {
      return this == REST_BATCHED || this == GRPC_BATCHED;
    }

    static Mode of(String key) {
      for (Mode mode : values()) {
        if (mode.key.equals(key)) {
          return mode;
        }
      }
      throw new IllegalArgumentException("unknown mode '" + key + "'");
    }
  }

  /** The harness's settings; every one has a default, so a bare run measures everything. */
  record Options(
      Path runtimeJar,
      Path modelsDirectory,
      List<String> models,
      List<String> batchedModels,
      List<Integer> concurrency,
      Set<Mode> modes,
      Duration pathWarmup,
      Duration warmup,
      Duration duration,
      Path output,
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
      defaults.put("models", "iris,mlp");
      defaults.put("batched-models", "mlp");
      defaults.put("concurrency", "1,16,64");
      defaults.put(
          "modes", "in-process,baseline,baseline-pool,rest,grpc,rest-batched,grpc-batched");
      defaults.put("path-warmup", "5s");
      defaults.put("warmup", "2s");
      defaults.put("duration", "5s");
      defaults.put("output", "benchmarks/target/benchmark-results.md");
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
      Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
      for (int i = 0; i < args.length; i++) {
        String key = args[i].startsWith("--") ? args[i].substring(2) : "";
        if (!DEFAULTS.containsKey(key) || i + 1 >= args.length) {
          throw new IllegalArgumentException(
              "bad argument '" + args[i] + "'; settings are --key value with keys " + DEFAULTS);
        }
        values.put(key, args[++i]);
      }
      return new Options(
          Path.of(values.get("runtime-jar")),
          Path.of(values.get("models-dir")),
          list(values.get("models")),
          list(values.get("batched-models")),
          list(values.get("concurrency")).stream().map(Integer::valueOf).toList(),
          EnumSet.copyOf(list(values.get("modes")).stream().map(Mode::of).toList()),
          duration(values.get("path-warmup")),
          duration(values.get("warmup")),
          duration(values.get("duration")),
          Path.of(values.get("output")),
          Integer.parseInt(values.get("baseline-pool-threads")),
          Integer.parseInt(values.get("max-batch-size")),
          Integer.parseInt(values.get("max-queue-delay-us")),
          Integer.parseInt(values.get("batch-instances")),
          words(values.get("runtime-args")),
          words(values.get("runtime-jvm-args")));
    }

    private static List<String> words(String value) {
      return Arrays.stream(value.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> list(String value) {
      return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static Duration duration(String value) {
      Matcher matcher = Pattern.compile("(\\d+)(ms|s)").matcher(value.trim());
      if (!matcher.matches()) {
        throw new IllegalArgumentException("durations look like 500ms or 5s, got '" + value + "'");
      }
      long amount = Long.parseLong(matcher.group(1));
      return matcher.group(2).equals("ms") ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
    }
  }

  /** One measured row of the table. */
  record Row(String model, Mode mode, int concurrency, LoadRunner.Result result) {}

  private static final String BATCHED_SUFFIX = "-batched";

  private final Options options;
  private final Path workDirectory;
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, OrtSession> inProcessSessions = new LinkedHashMap<>();
  private final Map<Mode, ChildProcess> baselines = new LinkedHashMap<>();
  private final Map<Mode, Integer> baselinePorts = new LinkedHashMap<>();
  private ChildProcess runtime;
  private int runtimeHttpPort;
  private int runtimeGrpcPort;

  private RuntimeBenchmark(Options options, Path workDirectory) {
    this.options = options;
    this.workDirectory = workDirectory;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println("RuntimeBenchmark [--key value ...]; keys and defaults:");
      Options.DEFAULTS.forEach((key, value) -> System.out.println("  --" + key + " " + value));
      return;
    }
    Options options = Options.parse(args);
    if (!Files.isRegularFile(options.runtimeJar())) {
      throw new IllegalArgumentException(
          options.runtimeJar()
              + " is missing: ./mvnw -q -pl serving-runtime package -Dmaven.test.skip=true");
    }
    Path workDirectory = Files.createTempDirectory("pier-benchmark-");
    RuntimeBenchmark benchmark = new RuntimeBenchmark(options, workDirectory);
    try {
      benchmark.start();
      benchmark.measure();
    } finally {
      benchmark.stop();
    }
    String report = benchmark.report();
    System.out.println();
    System.out.println(report);
    Path output = options.output().toAbsolutePath();
    Files.createDirectories(output.getParent());
    Files.writeString(output, report);
    System.out.println("written to " + output + "; server logs in " + workDirectory);
  }

  private void start() throws IOException, InterruptedException, OrtException {
    Path repository = prepareRepository();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    boolean needsRuntime =
        options.modes().stream().anyMatch(m -> m != Mode.IN_PROCESS && !m.baseline());
    if (needsRuntime) {
      // A private copy: a rebuild of serving-runtime during the run must not pull the jar away.
      Path runtimeJar = Files.copy(options.runtimeJar(), workDirectory.resolve("pier-runtime.jar"));
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
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      for (String model : options.models()) {
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
          sessionOptions.setIntraOpNumThreads(1);
          sessionOptions.setInterOpNumThreads(1);
          sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
          inProcessSessions.put(
              model, environment.createSession(modelFile(model).toString(), sessionOptions));
        }
      }
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
    for (String model : options.models()) {
      command.add("--model");
      command.add(model + "=" + modelFile(model));
    }
    ChildProcess baseline =
        ChildProcess.start(mode.key, command, workDirectory.resolve(mode.key + ".log"));
    baselines.put(mode, baseline);
    int port =
        port(
            baseline.awaitLine(l -> l.startsWith("baseline listening:"), Duration.ofMinutes(1)),
            "http");
    baselinePorts.put(mode, port);
    System.out.println(mode.key + ": http=" + port + " threads=" + threads);
  }

  /**
   * A repository with only the benchmarked models (pier-runtime loads everything it finds), plus a
   * copy of each batched model with a config.json turning dynamic batching on.
   */
  private Path prepareRepository() throws IOException {
    Path repository = Files.createDirectories(workDirectory.resolve("repository"));
    for (String model : options.models()) {
      copyTree(options.modelsDirectory().resolve(model), repository.resolve(model));
      if (options.batchedModels().contains(model)) {
        Path batched = repository.resolve(model + BATCHED_SUFFIX);
        copyTree(modelFile(model).getParent(), batched.resolve("1"));
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

  private static void copyTree(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      throw new IOException(
          from + " is missing: build the examples (./mvnw -q -pl examples package -DskipTests)");
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** The model file of the highest numeric version directory. */
  private Path modelFile(String model) throws IOException {
    try (Stream<Path> versions = Files.list(options.modelsDirectory().resolve(model))) {
      Path version =
          versions
              .filter(p -> p.getFileName().toString().matches("[1-9][0-9]*"))
              .max((a, b) -> Long.compare(versionOf(a), versionOf(b)))
              .orElseThrow(() -> new IOException("no version directory under model " + model));
      return version.resolve("model.onnx").toAbsolutePath();
    }
  }

  private static long versionOf(Path directory) {
    return Long.parseLong(directory.getFileName().toString());
  }

  private static int port(String line, String name) {
    Matcher matcher = Pattern.compile(name + "=(\\d+)").matcher(line);
    if (!matcher.find()) {
      throw new IllegalStateException("no " + name + " port in '" + line + "'");
    }
    return Integer.parseInt(matcher.group(1));
  }

  private void measure() throws Exception {
    for (String model : options.models()) {
      Workload workload = Workload.named(model);
      for (Mode mode : options.modes()) {
        if (mode.batched() && !options.batchedModels().contains(model)) {
          continue;
        }
        smokeTest(workload, mode);
        // Once per path, so that the first row's 2 s of warm-up is not also the JIT's whole
        // budget for a server that has not served this model yet.
        runRow(workload, mode, 4, options.pathWarmup(), Duration.ZERO);
      }
      for (int concurrency : options.concurrency()) {
        for (Mode mode : options.modes()) {
          if (mode.batched() && !options.batchedModels().contains(model)) {
            continue;
          }
          LoadRunner.Result result =
              runRow(workload, mode, concurrency, options.warmup(), options.duration());
          Row row = new Row(model, mode, concurrency, result);
          rows.add(row);
          System.out.println(tableRow(row));
        }
      }
    }
  }

  /** One call through the path, outside any timing, so that a broken path fails loudly. */
  private void smokeTest(Workload workload, Mode mode) throws Exception {
    Workload target = mode.batched() ? workload.as(workload.model() + BATCHED_SUFFIX) : workload;
    switch (mode) {
      case BASELINE, BASELINE_POOL, REST, REST_BATCHED -> {
        int port = mode.baseline() ? baselinePorts.get(mode) : runtimeHttpPort;
        try (HttpKeepAliveClient client = new HttpKeepAliveClient(port, target.httpRequest(port))) {
          int status = client.exchange();
          String body = client.lastBody();
          System.out.println(
              "smoke "
                  + mode.key
                  + " "
                  + target.model()
                  + ": "
                  + status
                  + " "
                  + body.substring(0, Math.min(160, body.length())));
          if (status != 200) {
            throw new IOException(mode.key + " answered " + status + ": " + body);
          }
        }
      }
      case GRPC, GRPC_BATCHED -> {
        ManagedChannel channel = channel();
        try {
          ModelInferResponse response =
              GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(target.grpcRequest());
          System.out.println(
              "smoke "
                  + mode.key
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
      case IN_PROCESS -> {
        try (LoadRunner.Caller caller = inProcessCaller(workload)) {
          caller.call();
        }
      }
    }
  }

  private LoadRunner.Result runRow(
      Workload workload, Mode mode, int concurrency, Duration warmup, Duration duration)
      throws Exception {
    Workload target = mode.batched() ? workload.as(workload.model() + BATCHED_SUFFIX) : workload;
    return switch (mode) {
      case IN_PROCESS ->
          LoadRunner.run(() -> inProcessCaller(workload), concurrency, warmup, duration, null);
      case BASELINE, BASELINE_POOL ->
          LoadRunner.run(
              httpCallers(target, baselinePorts.get(mode)),
              concurrency,
              warmup,
              duration,
              baselines.get(mode).handle());
      case REST, REST_BATCHED ->
          LoadRunner.run(
              httpCallers(target, runtimeHttpPort),
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

  private static LoadRunner.CallerFactory httpCallers(Workload workload, int port) {
    byte[] request = workload.httpRequest(port);
    return () -> {
      HttpKeepAliveClient client = new HttpKeepAliveClient(port, request);
      return new LoadRunner.Caller() {
        @Override
        public boolean call() throws IOException {
          return client.exchange() == 200;
        }

        @Override
        public void close() throws IOException {
          client.close();
        }
      };
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

  /**
   * The floor: the shared session run from this thread on a direct buffer it owns (no copy into
   * ONNX Runtime), reading every output back as a server would have to.
   */
  private LoadRunner.Caller inProcessCaller(Workload workload) throws OrtException {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession session = inProcessSessions.get(workload.model());
    FloatBuffer input =
        ByteBuffer.allocateDirect(workload.values().length * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer()
            .put(workload.values())
            .flip();
    long[] shape = workload.shape();
    String inputName = workload.inputName();
    return new LoadRunner.Caller() {
      @Override
      public boolean call() throws OrtException {
        long elements = 0;
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, shape);
            OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
          for (Map.Entry<String, OnnxValue> output : result) {
            elements += ((OnnxTensor) output.getValue()).getByteBuffer().remaining();
          }
        }
        return elements > 0;
      }

      @Override
      public void close() {}
    };
  }

  private void stop() {
    if (runtime != null) {
      runtime.close();
    }
    baselines.values().forEach(ChildProcess::close);
    for (OrtSession session : inProcessSessions.values()) {
      try {
        session.close();
      } catch (OrtException e) {
        // Exiting anyway.
      }
    }
    // Keep the servers' logs; the model and jar copies are large and of no further use.
    try {
      deleteTree(workDirectory.resolve("repository"));
      Files.deleteIfExists(workDirectory.resolve("pier-runtime.jar"));
    } catch (IOException e) {
      System.err.println("could not clean " + workDirectory + ": " + e.getMessage());
    }
  }

  private static String tableHeader() {
    return "| Model | Path | Concurrency | Throughput (req/s) | p50 (µs) | p99 (µs)"
        + " | Server CPU (µs/req) | Load-generator CPU (µs/req) | Errors | Other load (cores) |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|";
  }

  private static String tableRow(Row row) {
    LoadRunner.Result r = row.result();
    boolean inProcess = row.mode() == Mode.IN_PROCESS;
    // In-process the harness is the server: its CPU is the cost of the call itself.
    double server = inProcess ? r.clientCpuMicrosPerRequest() : r.serverCpuMicrosPerRequest();
    return String.format(
        Locale.ROOT,
        "| %s | %s | %d | %,.0f | %.0f | %.0f | %s | %s | %d | %s |",
        row.model(),
        row.mode().label,
        row.concurrency(),
        r.throughput(),
        r.p50Nanos() / 1e3,
        r.p99Nanos() / 1e3,
        server < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", server),
        inProcess
            ? "(same process)"
            : String.format(Locale.ROOT, "%.0f", r.clientCpuMicrosPerRequest()),
        r.errors(),
        r.otherCores() < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", r.otherCores()));
  }

  private LoadRunner.Result find(String model, Mode mode, int concurrency) {
    for (Row row : rows) {
      if (row.model().equals(model) && row.mode() == mode && row.concurrency() == concurrency) {
        return row.result();
      }
    }
    return null;
  }

  private String report() {
    StringBuilder out = new StringBuilder();
    out.append("## Results\n\n")
        .append("Run ")
        .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .append(" on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs (")
        .append(cpuModel())
        .append("), Java ")
        .append(Runtime.version())
        .append("; warm-up ")
        .append(options.warmup().toMillis())
        .append(" ms and measurement ")
        .append(options.duration().toMillis())
        .append(" ms per row (after ")
        .append(options.pathWarmup().toMillis())
        .append(" ms of warm-up per path); baseline pool threads ")
        .append(options.baselinePoolThreads())
        .append("; batching max_batch_size ")
        .append(options.maxBatchSize())
        .append(", max_queue_delay ")
        .append(options.maxQueueDelayMicros())
        .append(" µs, instances ")
        .append(options.batchInstances())
        .append(".\n\n")
        .append(tableHeader())
        .append('\n');
    for (Row row : rows) {
      out.append(tableRow(row)).append('\n');
    }
    out.append("\n## Targets\n\n")
        .append(
            "| Target | Model | Measured | Limit | Result | Minimal baseline, same measure |\n"
                + "|---|---|---:|---:|---|---:|\n");
    for (String model : options.models()) {
      LoadRunner.Result inProcess = find(model, Mode.IN_PROCESS, 1);
      // What the floor itself pays over in-process: how much of a gap HTTP + JSON alone explain.
      LoadRunner.Result baselineAlone =
          quicker(find(model, Mode.BASELINE, 1), find(model, Mode.BASELINE_POOL, 1));
      difference(
          out,
          "REST p50 − in-process p50, c=1",
          model,
          find(model, Mode.REST, 1),
          inProcess,
          150,
          baselineAlone);
      difference(
          out,
          "gRPC p50 − in-process p50, c=1",
          model,
          find(model, Mode.GRPC, 1),
          inProcess,
          100,
          baselineAlone);
      ratio(
          out,
          "REST throughput / best baseline throughput, c=16",
          model,
          find(model, Mode.REST, 16),
          faster(find(model, Mode.BASELINE, 16), find(model, Mode.BASELINE_POOL, 16)),
          0.9);
      ratio(
          out,
          "REST batching on / off throughput, c=64",
          model,
          find(model, Mode.REST_BATCHED, 64),
          find(model, Mode.REST, 64),
          3.0);
      ratio(
          out,
          "gRPC batching on / off throughput, c=64",
          model,
          find(model, Mode.GRPC_BATCHED, 64),
          find(model, Mode.GRPC, 64),
          3.0);
    }
    return out.toString();
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

  private static void difference(
      StringBuilder out,
      String target,
      String model,
      LoadRunner.Result measured,
      LoadRunner.Result reference,
      double limitMicros,
      LoadRunner.Result baselineAlone) {
    if (measured == null || reference == null) {
      return;
    }
    double micros = (measured.p50Nanos() - reference.p50Nanos()) / 1e3;
    out.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %.0f µs | ≤ %.0f µs | %s | %s |%n",
            target,
            model,
            micros,
            limitMicros,
            micros <= limitMicros ? "pass" : "**FAIL**",
            baselineAlone == null
                ? "–"
                : String.format(
                    Locale.ROOT,
                    "%.0f µs",
                    (baselineAlone.p50Nanos() - reference.p50Nanos()) / 1e3)));
  }

  private static void ratio(
      StringBuilder out,
      String target,
      String model,
      LoadRunner.Result measured,
      LoadRunner.Result reference,
      double minimum) {
    if (measured == null || reference == null || reference.throughput() == 0) {
      return;
    }
    double value = measured.throughput() / reference.throughput();
    out.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %.2f× | ≥ %.1f× | %s | – |%n",
            target,
            model,
            value,
            minimum,
            value >= minimum ? "pass" : "**FAIL**"));
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // Not Linux: leave the model out.
    }
    return "unknown CPU";
  }
}
