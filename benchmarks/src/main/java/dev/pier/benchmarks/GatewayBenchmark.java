package dev.pier.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway hop: for each model and concurrency, in one run and side by side, in-process ONNX
 * Runtime (the floor), the local pier-runtime called directly over REST, and the same runtime
 * through the control plane's OIP gateway ({@code /v2/models/{endpoint}/infer}) with the same JSON
 * body; prints a Markdown table and the comparisons the gateway's targets are stated in.
 *
 * <p>Starts the whole platform ({@code pier.jar}, which starts its embedded PostgreSQL and one
 * local runtime) as a child JVM on a fresh temporary {@code pier.home} and a free port, registers
 * the models and their endpoints through the REST API like any user, and waits for them to be
 * ready. Run from the repository root after {@code ./mvnw -q package -DskipTests}: {@code
 * ORT_DISABLE_TELEMETRY=1 java -cp benchmarks/target/pier-benchmarks.jar
 * dev.pier.benchmarks.GatewayBenchmark [--key value ...]}; {@code --help} lists the keys.
 *
 * <p>The {@code gateway+shadow} path is the gateway path with a shadow: before each of its rows the
 * endpoint's shadow is set to a second version of the same model at 100 % ({@code PUT
 * /api/v1/endpoints/{e}/rollout/shadow}), and removed after it, so it is measured beside the same
 * gateway without a shadow in one run; what the shadow recorded (answers, errors, agreement with
 * the primary, copies dropped) is read from the rollout's comparison after each row.
 *
 * <p>The {@code relay} path is the floor of any second hop on this machine: the direct request sent
 * through {@link RelayProxy}, a child JVM that passes bytes on and does nothing a gateway does. Its
 * row's control-plane CPU column is the relay's CPU.
 *
 * <p>The {@code gateway-unaudited} path is the gateway path with the endpoint's audit policy at 0 %
 * ({@code PUT /api/v1/endpoints/{e}/audit-policy}) during its rows, restored to every request with
 * payloads after them: auditing on against off in one run, on the same process. Each gateway row
 * also reports how many audit records the sink took per second (the trail's {@code delivered} count
 * from {@code GET /api/v1/audit/status} before and after the row).
 */
public final class GatewayBenchmark extends Harness<GatewayBenchmark.Mode> {

  /** What a row measures. */
  enum Mode implements Harness.Route {
    IN_PROCESS,
    DIRECT,
    RELAY,
    GATEWAY,
    GATEWAY_UNAUDITED,
    GATEWAY_SHADOW;

    @Override
    public String label() {
      return switch (this) {
        case IN_PROCESS -> "in-process ORT";
        case DIRECT -> "runtime direct, REST JSON";
        case RELAY -> "byte relay → runtime, REST JSON";
        case GATEWAY -> "gateway → runtime, REST JSON";
        case GATEWAY_UNAUDITED -> "gateway → runtime, REST JSON, audit off";
        case GATEWAY_SHADOW -> "gateway → runtime, REST JSON, shadow 100 %";
      };
    }

    @Override
    public String key() {
      return switch (this) {
        case GATEWAY_SHADOW -> "gateway+shadow";
        case GATEWAY_UNAUDITED -> "gateway-unaudited";
        default -> Harness.Route.super.key();
      };
    }
  }

  /**
   * What the shadow recorded during one {@code gateway+shadow} row (its warm-up included), from the
   * shadow target of the rollout's comparison.
   *
   * @param answered copies the shadow answered or failed
   * @param compared answers whose predictions were compared with the primary's
   * @param agreementRate the share of those that agreed, null without any
   * @param dropped copies the gateway dropped because the shadow could not keep up
   */
  record ShadowRecord(
      String model,
      int concurrency,
      long answered,
      long errors,
      long compared,
      Double agreementRate,
      long dropped,
      long p50Nanos) {}

  /** The harness's settings; every one has a default, so a bare run measures everything. */
  record Options(
      Harness.Plan plan,
      Path pierJar,
      Path runtimeJar,
      Path modelsDirectory,
      Set<Mode> routes,
      Duration startupTimeout,
      List<String> pierArguments,
      List<String> pierJvmArguments) {

    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
      Map<String, String> defaults = new LinkedHashMap<>();
      defaults.put("pier-jar", "console-ui/target/pier.jar");
      defaults.put("runtime-jar", "serving-runtime/target/pier-runtime.jar");
      defaults.put("models-dir", "examples/target/model-repository");
      // Also "gateway+shadow": the gateway with a shadow of the same model at 100 %.
      defaults.put("paths", "in-process,direct,relay,gateway,gateway-unaudited");
      // Start-up of pier.jar (embedded PostgreSQL, migrations, the runtime) and each model's load.
      defaults.put("startup-timeout", "180s");
      Harness.Plan.defaults(defaults, "benchmarks/target/gateway-results.md");
      // Extra pier.jar settings, space-separated, e.g. "--pier.runtimes.lost-after=30s".
      defaults.put("pier-args", "");
      // Extra JVM options for the control plane, space-separated, e.g. "-Xlog:gc".
      defaults.put("pier-jvm-args", "");
      return Collections.unmodifiableMap(defaults);
    }

    static Options parse(String[] args) {
      Settings values = Settings.parse(args, DEFAULTS);
      return new Options(
          Harness.Plan.parse(values),
          Path.of(values.get("pier-jar")),
          Path.of(values.get("runtime-jar")),
          Path.of(values.get("models-dir")),
          EnumSet.copyOf(
              values.list("paths").stream().map(key -> Harness.Route.of(Mode.class, key)).toList()),
          values.duration("startup-timeout"),
          values.words("pier-args"),
          values.words("pier-jvm-args"));
    }
  }

  private static final String BUILD = "./mvnw -q package -DskipTests";
  private static final Duration POLL = Duration.ofMillis(200);

  private final Options options;
  private final HttpClient api = HttpClient.newHttpClient();

  /** The first admin's password as the harness sets it, and then changes it to. */
  private static final String INITIAL_PASSWORD = "benchmark-initial-password";

  private static final String ADMIN_PASSWORD = "benchmark-chosen-password";

  /** {@code Bearer <the harness's API token>}, once signed in. */
  private String authorization;

  private final Map<String, Integer> versions = new LinkedHashMap<>();
  private final Map<String, Integer> shadowVersions = new LinkedHashMap<>();
  private final List<ShadowRecord> shadowRecords = new ArrayList<>();
  private InProcessModels inProcess;
  private ChildProcess pier;
  private ChildProcess relay;
  private int relayPort;
  private ProcessHandle runtime;
  private int pierPort;
  private int runtimePort;

  /** The local runtime's auth token: direct calls must carry it, as the gateway's do. */
  private static final String RUNTIME_TOKEN =
      "benchmark-" + UUID.randomUUID().toString().replace("-", "");

  private GatewayBenchmark(Options options, Path workDirectory) {
    super(
        workDirectory,
        new Report(
            List.of("Runtime CPU", "Control-plane CPU"),
            "Runtime direct vs in-process, same measure"),
        options.plan());
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Harness.main(
        args,
        "GatewayBenchmark",
        Options.DEFAULTS,
        (arguments, workDirectory) ->
            new GatewayBenchmark(Options.parse(arguments), workDirectory));
  }

  @Override
  void start() throws Exception {
    Path pierJar = ModelFiles.privateCopy(options.pierJar(), workDirectory, BUILD);
    Path runtimeJar = ModelFiles.privateCopy(options.runtimeJar(), workDirectory, BUILD);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(options.pierJvmArguments());
    command.addAll(
        List.of(
            "-jar",
            pierJar.toString(),
            "--pier.home=" + workDirectory.resolve("home"),
            "--server.port=0",
            "--pier.runtimes.local.count=1",
            "--pier.runtimes.local.jar=" + runtimeJar,
            "--pier.security.initial-admin-password=" + INITIAL_PASSWORD,
            // Known here, so direct calls carry it like the gateway's; its child gets it too.
            "--pier.runtimes.auth-token=" + RUNTIME_TOKEN));
    command.addAll(options.pierArguments());
    pier = ChildProcess.start("pier", command, workDirectory.resolve("pier.log"));
    // The ready banner names the port actually bound: "  REST API:     http://localhost:N/api/v1".
    String banner = pier.awaitLine(l -> l.trim().startsWith("REST API:"), options.startupTimeout());
    Matcher port = Pattern.compile("://[^:/]+:(\\d+)/").matcher(banner);
    if (!port.find()) {
      throw new IOException("no port in the ready banner line '" + banner + "'");
    }
    pierPort = Integer.parseInt(port.group(1));
    System.out.println("pier: http://127.0.0.1:" + pierPort);
    signIn();

    long deadline = System.nanoTime() + options.startupTimeout().toNanos();
    for (String model : plan.models()) {
      register(model);
    }
    for (String model : plan.models()) {
      awaitReady(model, deadline);
    }
    String restUrl = runtimeRestUrl(deadline);
    runtimePort = URI.create(restUrl).getPort();
    runtime = findRuntimeProcess();
    System.out.println(
        "runtime: " + restUrl + " pid " + runtime.pid() + "; control plane pid " + pier.pid());

    if (options.routes().contains(Mode.RELAY)) {
      startRelay(java);
    }
    if (options.routes().contains(Mode.IN_PROCESS)) {
      inProcess = new InProcessModels(options.modelsDirectory(), plan.models());
    }
  }

  private void startRelay(String java) throws IOException, InterruptedException {
    List<String> command =
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            RelayProxy.class.getName(),
            "--upstream-port",
            Integer.toString(runtimePort));
    relay = ChildProcess.start("relay", command, workDirectory.resolve("relay.log"));
    String ready = relay.awaitLine(l -> l.startsWith("relay listening:"), Duration.ofMinutes(1));
    relayPort = Integer.parseInt(ready.substring(ready.indexOf("http=") + "http=".length()).trim());
    System.out.println("relay: http=" + relayPort + " → runtime " + runtimePort);
  }

  /**
   * Registers the model, uploads its version and puts it behind an endpoint of the same name; for
   * the {@code gateway+shadow} path, uploads the same file a second time as the shadow's version.
   */
  private void register(String model) throws IOException, InterruptedException {
    call("POST", "/api/v1/models", json("{\"name\":\"" + model + "\"}"), 201);
    versions.put(model, upload(model));
    call(
        "POST",
        "/api/v1/endpoints",
        json(
            "{\"name\":\""
                + model
                + "\",\"model\":\""
                + model
                + "\",\"version\":"
                + versions.get(model)
                + "}"),
        201);
    System.out.println("registered " + model + " version " + versions.get(model));
    if (options.routes().contains(Mode.GATEWAY_SHADOW)) {
      shadowVersions.put(model, upload(model));
      System.out.println("shadow of " + model + ": version " + shadowVersions.get(model));
    }
  }

  /** Uploads the model's file as a new version of it; returns the version's number. */
  private int upload(String model) throws IOException, InterruptedException {
    Path file = ModelFiles.modelFile(options.modelsDirectory(), model);
    String boundary = "pier-benchmark-" + System.nanoTime();
    ByteArrayOutputStream multipart = new ByteArrayOutputStream();
    multipart.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"model.onnx\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    multipart.writeBytes(Files.readAllBytes(file));
    multipart.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    String version =
        call(
            "POST",
            "/api/v1/models/" + model + "/versions",
            HttpRequest.newBuilder()
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart.toByteArray())),
            201);
    Matcher number = Pattern.compile("\"number\"\\s*:\\s*(\\d+)").matcher(version);
    if (!number.find()) {
      throw new IOException("no version number in the upload's answer: " + version);
    }
    return Integer.parseInt(number.group(1));
  }

  private static HttpRequest.Builder json(String body) {
    return HttpRequest.newBuilder()
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  /**
   * Sets the endpoint's shadow to {@code version} at 100 % (null: no shadow); with a version, waits
   * until the gateway copies to it.
   */
  private void shadow(String endpoint, Integer version) throws IOException, InterruptedException {
    String rollout = "/api/v1/endpoints/" + endpoint + "/rollout";
    call(
        "PUT",
        rollout + "/shadow",
        HttpRequest.newBuilder()
            .header("Content-Type", "application/json")
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    version == null ? "{}" : "{\"version\":" + version + ",\"percent\":100}")),
        200);
    if (version == null) {
      return;
    }
    Pattern serving = Pattern.compile("\"shadow\"\\s*:\\s*\\{[^{}]*\"state\"\\s*:\\s*\"SERVING\"");
    long deadline = System.nanoTime() + options.startupTimeout().toNanos();
    while (true) {
      String state = call("GET", rollout, HttpRequest.newBuilder().GET(), 200);
      if (serving.matcher(state).find()) {
        return;
      }
      checkDeadline(deadline, "the shadow of " + endpoint + " serving: " + state);
      Thread.sleep(POLL);
    }
  }

  /**
   * The shadow target of the endpoint's comparison once the copies still in flight after a row are
   * recorded: read until two reads 200 ms apart agree (at most 10 s).
   */
  private ShadowRecord shadowRecord(String endpoint, int concurrency)
      throws IOException, InterruptedException {
    String path = "/api/v1/endpoints/" + endpoint + "/rollout/comparison";
    Pattern target = Pattern.compile("\"shadow\"\\s*:\\s*\\{([^{}]*)\\}");
    String previous = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Matcher shadow = target.matcher(call("GET", path, HttpRequest.newBuilder().GET(), 200));
      String current = shadow.find() ? shadow.group(1) : "";
      boolean settled = current.equals(previous) || System.nanoTime() - deadline > 0;
      if (settled) {
        double agreement = number(current, "shadowAgreementRate", Double.NaN);
        return new ShadowRecord(
            endpoint,
            concurrency,
            (long) number(current, "requests", 0),
            (long) number(current, "errors", 0),
            (long) number(current, "shadowCompared", 0),
            Double.isNaN(agreement) ? null : agreement,
            (long) number(current, "shadowDropped", 0),
            (long) number(current, "p50Nanos", 0));
      }
      previous = current;
      Thread.sleep(POLL);
    }
  }

  /** A number field of a flat JSON object's text; {@code absent} when missing or null. */
  private static double number(String object, String field, double absent) {
    Matcher value =
        Pattern.compile("\"" + field + "\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)").matcher(object);
    return value.find() ? Double.parseDouble(value.group(1)) : absent;
  }

  /**
   * Signs in as the first admin as a user would: replaces the initial password, then creates an API
   * token that every control-plane and gateway request of the harness carries, so the gateway rows
   * include the authentication a client pays for.
   */
  private void signIn() throws IOException, InterruptedException {
    String initial = basic(INITIAL_PASSWORD);
    HttpResponse<String> changed =
        api.send(
            json("{\"currentPassword\":\""
                    + INITIAL_PASSWORD
                    + "\",\"newPassword\":\""
                    + ADMIN_PASSWORD
                    + "\"}")
                .uri(uri("/api/v1/me/password"))
                .header("Authorization", initial)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (changed.statusCode() != 200) {
      throw new IOException(
          "the admin's password change answered " + changed.statusCode() + ": " + changed.body());
    }
    HttpResponse<String> token =
        api.send(
            json("{\"name\":\"benchmark\",\"roles\":[\"ADMIN\"]}")
                .uri(uri("/api/v1/tokens"))
                .header("Authorization", basic(ADMIN_PASSWORD))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher secret = Pattern.compile("\"secret\"\\s*:\\s*\"([^\"]+)\"").matcher(token.body());
    if (token.statusCode() != 201 || !secret.find()) {
      throw new IOException("creating an API token answered " + token.statusCode());
    }
    authorization = "Bearer " + secret.group(1);
  }

  private static String basic(String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a control-plane API request; fails unless it answers {@code expected} (or 200). */
  private String call(String method, String path, HttpRequest.Builder request, int expected)
      throws IOException, InterruptedException {
    HttpResponse<String> response = send(request.uri(uri(path)));
    if (response.statusCode() != expected && response.statusCode() != 200) {
      throw new IOException(
          method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return api.send(
        request.timeout(Duration.ofSeconds(30)).header("Authorization", authorization).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + pierPort + path);
  }

  /** Polls the gateway's readiness of the endpoint until it answers 200 or the deadline passes. */
  private void awaitReady(String endpoint, long deadline) throws IOException, InterruptedException {
    String path = "/v2/models/" + endpoint + "/ready";
    while (true) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
      if (response.statusCode() == 200) {
        System.out.println("endpoint " + endpoint + " ready");
        return;
      }
      checkDeadline(deadline, "endpoint " + endpoint + " ready (last answer: " + response.body());
      Thread.sleep(POLL);
    }
  }

  /** The REST URL of the one runtime server, once it has registered. */
  private String runtimeRestUrl(long deadline) throws IOException, InterruptedException {
    Pattern restUrl = Pattern.compile("\"restUrl\"\\s*:\\s*\"([^\"]+)\"");
    while (true) {
      String servers = call("GET", "/api/v1/servers", HttpRequest.newBuilder().GET(), 200);
      Matcher matcher = restUrl.matcher(servers);
      if (matcher.find()) {
        return matcher.group(1);
      }
      checkDeadline(deadline, "a runtime server in /api/v1/servers: " + servers);
      Thread.sleep(POLL);
    }
  }

  private void checkDeadline(long deadline, String waitingFor) throws IOException {
    if (System.nanoTime() - deadline > 0) {
      throw new IOException(
          "waited " + options.startupTimeout() + " for " + waitingFor + "; log: " + pier.log());
    }
  }

  /** The runtime JVM the control plane started: its descendant running the runtime jar. */
  private ProcessHandle findRuntimeProcess() throws IOException {
    List<ProcessHandle> runtimes =
        pier.handle()
            .descendants()
            .filter(p -> p.info().commandLine().orElse("").contains("pier-runtime.jar"))
            .toList();
    if (runtimes.size() != 1) {
      throw new IOException(
          "expected one runtime process under the control plane (pid "
              + pier.pid()
              + "), found "
              + runtimes.size());
    }
    return runtimes.getFirst();
  }

  @Override
  List<Mode> routes(String model) {
    return List.copyOf(options.routes());
  }

  /** The port and the complete HTTP request of a path; the body is the same on both. */
  private int port(Mode route) {
    return switch (route) {
      case DIRECT -> runtimePort;
      case RELAY -> relayPort;
      default -> pierPort;
    };
  }

  /** Paths that send the runtime's own request: directly, or through the relay. */
  private static boolean runtimeRequest(Mode route) {
    return route == Mode.DIRECT || route == Mode.RELAY;
  }

  private byte[] httpRequest(Workload workload, Mode route) {
    String model = workload.model();
    // The runtime serves the registry's model name and version; the gateway the endpoint's name
    // (and forwards to exactly that versioned path).
    String path =
        runtimeRequest(route)
            ? "/v2/models/" + model + "/versions/" + versions.get(model) + "/infer"
            : "/v2/models/" + model + "/infer";
    // Each path carries what its callers would: the runtime's token when calling it directly, an
    // API token when calling the gateway.
    return workload.httpRequest(
        port(route), path, runtimeRequest(route) ? "Bearer " + RUNTIME_TOKEN : authorization);
  }

  @Override
  void smokeTest(Workload workload, Mode route) throws Exception {
    if (route == Mode.IN_PROCESS) {
      inProcess.smokeTest(workload);
    } else {
      HttpKeepAliveClient.smokeTest(
          route.key() + " " + workload.model(), port(route), httpRequest(workload, route));
    }
  }

  @Override
  LoadRunner.Result runRow(
      Workload workload, Mode route, int concurrency, Duration warmup, Duration duration)
      throws Exception {
    if (route == Mode.IN_PROCESS) {
      return LoadRunner.run(() -> inProcess.caller(workload), concurrency, warmup, duration);
    }
    if (route == Mode.GATEWAY_UNAUDITED) {
      auditPolicy(workload.model(), false);
      try {
        return remoteRow(workload, route, concurrency, warmup, duration);
      } finally {
        auditPolicy(workload.model(), true);
      }
    }
    if (route == Mode.GATEWAY) {
      long before = auditDelivered();
      long start = System.nanoTime();
      LoadRunner.Result result = remoteRow(workload, route, concurrency, warmup, duration);
      if (!duration.isZero()) {
        // Settled: what the trail still holds of this row is delivered before the next row.
        awaitAuditSettled();
        double seconds = (System.nanoTime() - start) / 1e9;
        ingestion.add(
            new Ingestion(workload.model(), concurrency, (auditDelivered() - before) / seconds));
      }
      return result;
    }
    if (route != Mode.GATEWAY_SHADOW) {
      return remoteRow(workload, route, concurrency, warmup, duration);
    }
    String endpoint = workload.model();
    shadow(endpoint, shadowVersions.get(endpoint));
    try {
      LoadRunner.Result result = remoteRow(workload, route, concurrency, warmup, duration);
      if (!duration.isZero()) {
        ShadowRecord shadow = shadowRecord(endpoint, concurrency);
        shadowRecords.add(shadow);
        System.out.println(shadow);
      }
      return result;
    } finally {
      shadow(endpoint, null);
    }
  }

  /** The endpoint's audit policy: every request with payloads ({@code on}), or none. */
  private void auditPolicy(String endpoint, boolean on) throws IOException, InterruptedException {
    call(
        "PUT",
        "/api/v1/endpoints/" + endpoint + "/audit-policy",
        HttpRequest.newBuilder()
            .header("Content-Type", "application/json")
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    "{\"samplePercent\":" + (on ? 100 : 0) + ",\"capturePayload\":" + on + "}")),
        200);
  }

  private static final Pattern DELIVERED = Pattern.compile("\"delivered\"\\s*:\\s*(\\d+)");
  private static final Pattern QUEUED = Pattern.compile("\"queued\"\\s*:\\s*(\\d+)");

  /** Audit records the trail has delivered to its sink since the start. */
  private long auditDelivered() throws IOException, InterruptedException {
    return number(DELIVERED, auditStatus());
  }

  /** Waits (up to a minute) until the trail's queue is empty, so a row's records are counted. */
  private void awaitAuditSettled() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (number(QUEUED, auditStatus()) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(POLL);
    }
  }

  private String auditStatus() throws IOException, InterruptedException {
    return call("GET", "/api/v1/audit/status", HttpRequest.newBuilder().GET(), 200);
  }

  private static long number(Pattern field, String json) throws IOException {
    Matcher matcher = field.matcher(json);
    if (!matcher.find()) {
      throw new IOException("no " + field.pattern() + " in " + json);
    }
    return Long.parseLong(matcher.group(1));
  }

  /** The sink's ingestion during one gateway row: records delivered per second of the row. */
  record Ingestion(String model, int concurrency, double recordsPerSecond) {}

  private final List<Ingestion> ingestion = new ArrayList<>();

  private LoadRunner.Result remoteRow(
      Workload workload, Mode route, int concurrency, Duration warmup, Duration duration)
      throws Exception {
    // Both processes on every remote path: the control plane's CPU during direct calls is its
    // idle cost (heartbeats, scheduler), to read the gateway rows against.
    return LoadRunner.run(
        HttpKeepAliveClient.callers(port(route), httpRequest(workload, route)),
        concurrency,
        warmup,
        duration,
        runtime,
        route == Mode.RELAY ? relay.handle() : pier.handle());
  }

  @Override
  void stop() {
    if (inProcess != null) {
      inProcess.close();
    }
    if (relay != null) {
      relay.close();
    }
    if (pier != null) {
      // SIGTERM: the control plane stops its runtime and its database itself; whatever it started
      // and left behind (if it had to be killed) is stopped here.
      List<ProcessHandle> descendants = pier.handle().descendants().toList();
      pier.close();
      for (ProcessHandle descendant : descendants) {
        if (descendant.isAlive()) {
          System.err.println("stopping leftover process " + descendant.pid());
          descendant.destroyForcibly();
        }
      }
    }
    // Keep the logs; the jar copies and the data directory are large and of no further use.
    deleteCopies(
        "home",
        options.pierJar().getFileName().toString(),
        options.runtimeJar().getFileName().toString());
  }

  @Override
  String settings() {
    return "; one local runtime under the control plane";
  }

  /**
   * The callers' latency and throughput with the shadow beside the same gateway without it, and
   * what the shadow recorded, per model and concurrency.
   */
  @Override
  String sections() {
    return relaySection() + auditSection() + shadowSection();
  }

  /**
   * What any second hop costs on this machine (the relay against direct calls), and the gateway
   * against that floor, per model and concurrency.
   */
  private String relaySection() {
    StringBuilder out = new StringBuilder();
    for (String model : plan.models()) {
      for (int concurrency : plan.concurrency()) {
        LoadRunner.Result direct = find(model, Mode.DIRECT, concurrency);
        LoadRunner.Result relayed = find(model, Mode.RELAY, concurrency);
        if (direct == null || relayed == null || direct.throughput() == 0) {
          continue;
        }
        LoadRunner.Result gateway = find(model, Mode.GATEWAY_UNAUDITED, concurrency);
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %.2f× | %s | %+.0f |%n",
                model,
                concurrency,
                relayed.throughput() / direct.throughput(),
                gateway == null || relayed.throughput() == 0
                    ? "–"
                    : String.format(
                        Locale.ROOT, "%.2f×", gateway.throughput() / relayed.throughput()),
                (relayed.p50Nanos() - direct.p50Nanos()) / 1e3));
      }
    }
    if (out.isEmpty()) {
      return "";
    }
    return "\n## The floor of a second hop\n\n"
        + "The byte relay (no authentication, routing, metrics or audit) against calling the"
        + " runtime directly, and the unaudited gateway against the relay.\n\n"
        + "| Model | Concurrency | Relay / direct throughput | Gateway (audit off) / relay"
        + " throughput | Relay p50 − direct p50 (µs) |\n"
        + "|---|---:|---:|---:|---:|\n"
        + out;
  }

  /** Audit on against off, and the sink's ingestion rate, per model and concurrency. */
  private String auditSection() {
    if (ingestion.isEmpty()) {
      return "";
    }
    StringBuilder out =
        new StringBuilder(
            "\n## Audit trail\n\n"
                + "The gateway with every request audited (payloads included) against the same"
                + " endpoint with its audit policy at 0 % (same run, same process), and how many"
                + " records the sink took per second during the audited row (until its queue"
                + " was empty again).\n\n"
                + "| Model | Concurrency | Throughput audited / not | p50 not → audited (µs)"
                + " | Sink ingestion (records/s) |\n"
                + "|---|---:|---:|---:|---:|\n");
    for (Ingestion row : ingestion) {
      LoadRunner.Result on = find(row.model(), Mode.GATEWAY, row.concurrency());
      LoadRunner.Result off = find(row.model(), Mode.GATEWAY_UNAUDITED, row.concurrency());
      boolean both = on != null && off != null && off.throughput() > 0;
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %,.0f |%n",
              row.model(),
              row.concurrency(),
              both ? String.format(Locale.ROOT, "%.2f×", on.throughput() / off.throughput()) : "–",
              both
                  ? String.format(
                      Locale.ROOT, "%.0f → %.0f", off.p50Nanos() / 1e3, on.p50Nanos() / 1e3)
                  : "–",
              row.recordsPerSecond()));
    }
    return out.toString();
  }

  private String shadowSection() {
    if (shadowRecords.isEmpty()) {
      return "";
    }
    StringBuilder out =
        new StringBuilder(
            "\n## Shadow at 100 %\n\n"
                + "Callers' numbers through the gateway with the shadow against without it (same"
                + " run), and what the shadow recorded during its row (warm-up included).\n\n"
                + "| Model | Concurrency | p50 without → with (µs) | p99 without → with (µs)"
                + " | Throughput with / without | Shadow answers | Shadow errors | Compared"
                + " | Agreement | Dropped | Shadow p50 (µs) |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ShadowRecord shadow : shadowRecords) {
      LoadRunner.Result without = find(shadow.model(), Mode.GATEWAY, shadow.concurrency());
      LoadRunner.Result with = find(shadow.model(), Mode.GATEWAY_SHADOW, shadow.concurrency());
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %s | %,d | %,d | %,d | %s | %,d | %.0f |%n",
              shadow.model(),
              shadow.concurrency(),
              without == null || with == null
                  ? "–"
                  : String.format(
                      Locale.ROOT, "%.0f → %.0f", without.p50Nanos() / 1e3, with.p50Nanos() / 1e3),
              without == null || with == null
                  ? "–"
                  : String.format(
                      Locale.ROOT, "%.0f → %.0f", without.p99Nanos() / 1e3, with.p99Nanos() / 1e3),
              without == null || with == null || without.throughput() == 0
                  ? "–"
                  : String.format(Locale.ROOT, "%.2f×", with.throughput() / without.throughput()),
              shadow.answered(),
              shadow.errors(),
              shadow.compared(),
              shadow.agreementRate() == null
                  ? "–"
                  : String.format(Locale.ROOT, "%.1f %%", 100 * shadow.agreementRate()),
              shadow.dropped(),
              shadow.p50Nanos() / 1e3));
    }
    return out.toString();
  }

  @Override
  void checkTargets() {
    for (String model : plan.models()) {
      LoadRunner.Result inProcess1 = find(model, Mode.IN_PROCESS, 1);
      LoadRunner.Result direct1 = find(model, Mode.DIRECT, 1);
      LoadRunner.Result direct16 = find(model, Mode.DIRECT, 16);
      LoadRunner.Result inProcess16 = find(model, Mode.IN_PROCESS, 16);
      report.difference(
          "gateway p50 − direct p50, c=1",
          model,
          find(model, Mode.GATEWAY, 1),
          direct1,
          300,
          Report.p50Difference(direct1, inProcess1));
      report.ratio(
          "audited / unaudited gateway throughput, c=16",
          model,
          find(model, Mode.GATEWAY, 16),
          find(model, Mode.GATEWAY_UNAUDITED, 16),
          0.95,
          null);
      report.ratio(
          "gateway / direct throughput, c=16",
          model,
          find(model, Mode.GATEWAY, 16),
          direct16,
          0.8,
          direct16 == null || inProcess16 == null || inProcess16.throughput() == 0
              ? null
              : String.format(
                  Locale.ROOT, "%.2f×", direct16.throughput() / inProcess16.throughput()));
    }
  }
}
