package dev.pier.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pier.runtime.testing.Awaiting;
import dev.pier.runtime.testing.ModelRepositories;
import dev.pier.runtime.testing.Oip;
import dev.pier.runtime.testing.Oip.IndexEntry;
import dev.pier.runtime.testing.Oip.InferResponse;
import dev.pier.runtime.testing.PrometheusSamples;
import dev.pier.runtime.testing.RuntimeProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model lifecycle against a real runtime process: failed loads and readiness, the repository
 * API's load, unload and reload, versions appearing and disappearing on disk, artifacts fetched by
 * URL, the memory budget's eviction, and model names that try to leave the repository.
 */
class ModelLifecycleIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private static final String CARS_MPG_REQUEST =
      Oip.fp32Request("features", 1, 6, new float[] {4, 97, 88, 2130, 14.5f, 1970});
  private static final String PENGUINS_REQUEST =
      """
      {"inputs":[
        {"name":"island","datatype":"BYTES","shape":[1,1],"data":["Torgersen"]},
        {"name":"sex","datatype":"BYTES","shape":[1,1],"data":["MALE"]},
        {"name":"measurements","datatype":"FP32","shape":[1,4],"data":[39.1,18.7,181,3750]}]}
      """;
  private static final Map<String, String> REQUESTS =
      Map.of("iris", Oip.IRIS_SETOSA, "cars_mpg", CARS_MPG_REQUEST, "penguins", PENGUINS_REQUEST);

  @TempDir Path repository;

  @Test
  void aBrokenModelFailsReadinessWithItsReasonUntilItIsUnloaded() {
    ModelRepositories.copy(repository, "iris");
    ModelRepositories.copyModel(
        ModelRepositories.examples().resolve("models-broken/corrupt"), repository, "corrupt");

    try (RuntimeProcess runtime = RuntimeProcess.start(repository)) {
      assertThat(runtime.get("/v2/health/live").statusCode()).isEqualTo(200);
      assertThat(runtime.get("/v2/health/ready").statusCode())
          .as("readiness while a model that should be loaded has failed")
          .isEqualTo(503);

      IndexEntry corrupt = Oip.indexEntry(runtime, "corrupt", "1").orElseThrow();
      assertThat(corrupt.state()).isEqualTo("FAILED");
      assertThat(corrupt.reason())
          .as("the index says why the corrupt model failed")
          .contains("ONNX Runtime cannot load the model")
          .containsIgnoringCase("protobuf");
      assertThat(Oip.indexEntry(runtime, "iris", "1"))
          .get()
          .extracting(IndexEntry::state)
          .isEqualTo("READY");

      assertIrisAnswersSetosa(runtime, "/v2/models/iris/infer", "1");
      HttpResponse<String> corruptInfer = runtime.post("/v2/models/corrupt/infer", Oip.IRIS_SETOSA);
      assertThat(corruptInfer.statusCode()).isEqualTo(503);
      assertThat(Oip.error(corruptInfer)).contains("FAILED");

      assertThat(runtime.post("/v2/repository/models/corrupt/unload", "").statusCode())
          .isEqualTo(200);

      assertThat(runtime.get("/v2/health/ready").statusCode())
          .as("readiness once the failed model is unloaded")
          .isEqualTo(200);
      assertThat(Oip.indexEntry(runtime, "corrupt", "1"))
          .get()
          .extracting(IndexEntry::state)
          .isEqualTo("UNAVAILABLE");
      assertIrisAnswersSetosa(runtime, "/v2/models/iris/infer", "1");
    }
  }

  @Test
  void unloadLoadAndNewVersionsOnDiskLeaveOtherModelsServing() throws IOException {
    ModelRepositories.copy(repository, "iris", "penguins");

    try (RuntimeProcess runtime = RuntimeProcess.start(repository)) {
      assertThat(runtime.post("/v2/repository/models/iris/unload", "").statusCode()).isEqualTo(200);

      HttpResponse<String> unloaded = runtime.post("/v2/models/iris/infer", Oip.IRIS_SETOSA);
      assertThat(unloaded.statusCode()).as("inference on an unloaded model").isEqualTo(503);
      assertThat(Oip.error(unloaded)).contains("iris").contains("not ready");
      assertThat(runtime.get("/v2/models/iris/ready").statusCode()).isEqualTo(503);

      HttpResponse<String> penguins = runtime.get("/v2/models/penguins");
      assertThat(penguins.statusCode()).isEqualTo(200);
      assertThat(Oip.object(penguins.body()))
          .containsEntry("name", "penguins")
          .containsEntry("versions", List.of("1"));
      assertThat(runtime.post("/v2/models/penguins/infer", PENGUINS_REQUEST).statusCode())
          .isEqualTo(200);
      assertThat(runtime.get("/v2/health/ready").statusCode())
          .as("an unloaded model is not a failed one: the server stays ready")
          .isEqualTo(200);

      assertThat(runtime.post("/v2/repository/models/iris/load", "").statusCode()).isEqualTo(200);
      assertIrisAnswersSetosa(runtime, "/v2/models/iris/infer", "1");

      // Version 2 appears on disk beside version 1.
      ModelRepositories.copyModel(repository.resolve("iris/1"), repository.resolve("iris"), "2");
      assertThat(runtime.post("/v2/repository/models/iris/load", "").statusCode()).isEqualTo(200);
      assertThat(Oip.object(runtime.get("/v2/models/iris").body()).get("versions"))
          .asInstanceOf(InstanceOfAssertFactories.LIST)
          .containsExactlyInAnyOrder("1", "2");
      assertIrisAnswersSetosa(runtime, "/v2/models/iris/versions/2/infer", "2");
      assertIrisAnswersSetosa(runtime, "/v2/models/iris/versions/1/infer", "1");
      assertIrisAnswersSetosa(runtime, "/v2/models/iris/infer", "2");

      // Version 1 disappears from disk.
      deleteTree(repository.resolve("iris/1"));
      assertThat(runtime.post("/v2/repository/models/iris/load", "").statusCode()).isEqualTo(200);
      assertThat(Oip.states(runtime))
          .containsEntry("iris:1", "UNAVAILABLE")
          .containsEntry("iris:2", "READY")
          .containsEntry("penguins:1", "READY");
      assertThat(runtime.post("/v2/models/iris/versions/1/infer", Oip.IRIS_SETOSA).statusCode())
          .as("inference on a version removed from disk")
          .isEqualTo(503);
      assertIrisAnswersSetosa(runtime, "/v2/models/iris/versions/2/infer", "2");
      assertThat(Oip.object(runtime.get("/v2/models/iris").body()))
          .containsEntry("versions", List.of("2"));
      assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void reloadingAChangedModelUnderLoadFailsNoRequest() throws Exception {
    ModelRepositories.copy(repository, "iris");
    Path modelFile = repository.resolve("iris/1/model.onnx");
    int clients = 4;
    int reloads = 20;
    int maximumRequestsPerClient = 20_000;

    try (RuntimeProcess runtime = RuntimeProcess.start(repository)) {
      AtomicBoolean reloadsDone = new AtomicBoolean();
      CountDownLatch everyClientStarted = new CountDownLatch(clients);
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicInteger served = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<?>> clientRuns = new ArrayList<>();
      try {
        for (int client = 0; client < clients; client++) {
          clientRuns.add(
              pool.submit(
                  () -> {
                    // Keep sending until every reload has happened (bounded by a request cap).
                    for (int sent = 0; sent < maximumRequestsPerClient; sent++) {
                      if (reloadsDone.get()) {
                        return;
                      }
                      HttpResponse<String> response =
                          runtime.post("/v2/models/iris/infer", Oip.IRIS_SETOSA);
                      if (response.statusCode() == 200) {
                        served.incrementAndGet();
                      } else {
                        failures.add(response.statusCode() + " " + response.body());
                      }
                      if (sent == 0) {
                        everyClientStarted.countDown();
                      }
                    }
                  }));
        }
        assertThat(everyClientStarted.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        FileTime original = Files.getLastModifiedTime(modelFile);
        for (int reload = 1; reload <= reloads; reload++) {
          // A new modification time changes the version's fingerprint: each load is a real reload.
          Files.setLastModifiedTime(
              modelFile, FileTime.fromMillis(original.toMillis() + reload * 1000L));
          assertThat(runtime.post("/v2/repository/models/iris/load", "").statusCode())
              .as("reload %d", reload)
              .isEqualTo(200);
        }
        reloadsDone.set(true);
        for (Future<?> clientRun : clientRuns) {
          clientRun.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
      } finally {
        reloadsDone.set(true);
        pool.shutdownNow();
      }

      assertThat(failures).as("responses other than 200 during reloads").isEmpty();
      assertThat(served.get()).isGreaterThanOrEqualTo(clients);
      // The reloads really swapped sessions: one load at start plus one per reload.
      Awaiting.until(
          "the runtime has logged " + (reloads + 1) + " loads of iris:1",
          DEADLINE,
          () -> countLines(runtime.output(), "loaded model iris:1") >= reloads + 1,
          runtime::output);
      assertThat(countLines(runtime.output(), "loaded model iris:1")).isEqualTo(reloads + 1);
      assertThat(
              PrometheusSamples.scrape(runtime)
                  .value(
                      "pier_runtime_requests_in_flight", Map.of("model", "iris", "version", "1")))
          .as("requests in flight once every client is done")
          .isZero();
    }
  }

  @Test
  void loadsAnArtifactFromAUrlOnlyWhenItsSha256Matches() throws Exception {
    ModelRepositories.copy(repository, "iris");
    byte[] artifact =
        Files.readAllBytes(ModelRepositories.generated().resolve("iris/1/model.onnx"));
    HttpServer artifacts = serve(artifact);
    String uri = "http://127.0.0.1:" + artifacts.getAddress().getPort() + "/model.onnx";
    String config = "{\"labels\":[\"virginica\",\"setosa\",\"versicolor\"]}";

    try (RuntimeProcess runtime = RuntimeProcess.start(repository)) {
      HttpResponse<String> loaded =
          runtime.post(
              "/v2/repository/models/fetched/load",
              loadRequest(uri, sha256(artifact), "3", config));
      assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
      assertIrisAnswersSetosa(runtime, "/v2/models/fetched/infer", "3");
      assertIrisAnswersSetosa(runtime, "/v2/models/fetched/versions/3/infer", "3");
      assertThat(Oip.object(runtime.get("/v2/models/fetched").body()))
          .containsEntry("versions", List.of("3"));
      assertThat(repository.resolve("fetched/3/model.onnx")).hasBinaryContent(artifact);
      assertThat(repository.resolve("fetched/config.json")).hasContent(config);

      HttpResponse<String> mismatch =
          runtime.post(
              "/v2/repository/models/mismatched/load",
              loadRequest(uri, sha256("another artifact".getBytes(StandardCharsets.UTF_8)), "3"));
      assertThat(mismatch.statusCode()).isEqualTo(400);
      assertThat(Oip.error(mismatch)).contains("sha256").contains(sha256(artifact));
      assertThat(filesUnder(repository.resolve("mismatched")))
          .as("files left behind by a fetch whose digest did not match")
          .isEmpty();
      assertThat(Oip.index(runtime)).extracting(IndexEntry::name).doesNotContain("mismatched");

      HttpResponse<String> badConfig =
          runtime.post(
              "/v2/repository/models/configured/load",
              loadRequest(uri, sha256(artifact), "1", "{\"lables\":[\"a\"]}"));
      assertThat(badConfig.statusCode()).isEqualTo(400);
      assertThat(Oip.error(badConfig)).contains("config").contains("'lables'");
      assertThat(filesUnder(repository.resolve("configured")))
          .as("files written for a load whose config was rejected")
          .isEmpty();

      HttpResponse<String> goodConfig =
          runtime.post(
              "/v2/repository/models/configured/load",
              loadRequest(uri, sha256(artifact), "1", "{\"labels\":[\"a\"]}"));
      assertThat(goodConfig.statusCode()).as(goodConfig.body()).isEqualTo(200);
      assertThat(repository.resolve("configured/config.json")).hasContent("{\"labels\":[\"a\"]}");
      assertIrisAnswersSetosa(runtime, "/v2/models/configured/infer", "1");
      assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);
    } finally {
      artifacts.stop(0);
    }
  }

  @Test
  void aFailedArtifactFetchLeavesNothingThatBreaksTheNextStart() throws Exception {
    ModelRepositories.copy(repository, "iris");
    byte[] artifact =
        Files.readAllBytes(ModelRepositories.generated().resolve("iris/1/model.onnx"));
    HttpServer artifacts = serve(artifact);
    String uri = "http://127.0.0.1:" + artifacts.getAddress().getPort() + "/model.onnx";

    try {
      try (RuntimeProcess runtime = RuntimeProcess.start(repository)) {
        HttpResponse<String> mismatch =
            runtime.post(
                "/v2/repository/models/mismatched/load",
                loadRequest(uri, sha256("another artifact".getBytes(StandardCharsets.UTF_8)), "3"));
        assertThat(mismatch.statusCode()).isEqualTo(400);
      }

      try (RuntimeProcess restarted = RuntimeProcess.start(repository)) {
        assertThat(Oip.index(restarted))
            .as("the index after a restart on the repository the failed fetch touched")
            .allSatisfy(entry -> assertThat(entry.state()).isEqualTo("READY"));
        assertThat(restarted.get("/v2/health/ready").statusCode()).isEqualTo(200);
      }
      assertThat(repository.resolve("mismatched"))
          .as("a model directory created for an artifact that was never accepted")
          .doesNotExist();
    } finally {
      artifacts.stop(0);
    }
  }

  @Test
  void theMemoryBudgetEvictsTheLeastRecentlyUsedModelAndReloadsItOnDemand() throws IOException {
    ModelRepositories.copy(repository, "iris", "cars_mpg", "penguins");
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (String model : REQUESTS.keySet()) {
      sizes.put(model, Files.size(repository.resolve(model + "/1/model.onnx")));
    }
    long total = sizes.values().stream().mapToLong(Long::longValue).sum();
    long smallest = sizes.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    // Any two of the three fit; all three do not.
    long budget = total - smallest;

    // One load at a time, so the start itself is deterministic (parallel loads: see the next test).
    try (RuntimeProcess runtime =
        RuntimeProcess.start(
            repository, "--memory-budget", Long.toString(budget), "--load-threads", "1")) {
      Map<String, String> states = modelStates(runtime);
      assertThat(states.values()).containsExactlyInAnyOrder("READY", "READY", "EVICTED");
      assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);
      assertMemoryGaugesFollow(runtime, states, sizes);

      String evicted = modelIn(states, "EVICTED");
      List<String> loaded =
          states.keySet().stream().filter(model -> !model.equals(evicted)).sorted().toList();
      String recentlyUsed = loaded.get(0);
      String leastRecentlyUsed = loaded.get(1);

      assertThat(infer(runtime, recentlyUsed).statusCode()).isEqualTo(200);
      HttpResponse<String> reloaded = infer(runtime, evicted);
      assertThat(reloaded.statusCode())
          .as("a request to the evicted model %s reloads it", evicted)
          .isEqualTo(200);
      assertThat(Oip.inferResponse(reloaded).modelName()).isEqualTo(evicted);

      states = modelStates(runtime);
      assertThat(states)
          .as("states after %s was used and %s reloaded", recentlyUsed, evicted)
          .containsEntry(evicted, "READY")
          .containsEntry(recentlyUsed, "READY")
          .containsEntry(leastRecentlyUsed, "EVICTED");
      assertMemoryGaugesFollow(runtime, states, sizes);

      assertThat(infer(runtime, leastRecentlyUsed).statusCode()).isEqualTo(200);
      states = modelStates(runtime);
      assertThat(states)
          .as("states after %s was reloaded in turn", leastRecentlyUsed)
          .containsEntry(leastRecentlyUsed, "READY")
          .containsEntry(evicted, "READY")
          .containsEntry(recentlyUsed, "EVICTED");
      assertMemoryGaugesFollow(runtime, states, sizes);
      assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void modelsLoadedInParallelAtStartEvictEachOtherInsteadOfFailing() throws IOException {
    List<String> models =
        List.of(
            "identity_int8",
            "identity_int16",
            "identity_int32",
            "identity_int64",
            "identity_fp16",
            "identity_fp32",
            "identity_fp64",
            "identity_bool");
    ModelRepositories.copy(repository, models.toArray(String[]::new));
    List<Long> sizes = new ArrayList<>();
    for (String model : models) {
      sizes.add(Files.size(repository.resolve(model + "/1/model.onnx")));
    }
    sizes.sort(Comparator.reverseOrder());
    // Room for the two largest models; every load beyond that must evict one.
    long budget = sizes.get(0) + sizes.get(1);

    try (RuntimeProcess runtime =
        RuntimeProcess.start(
            repository,
            "--memory-budget",
            Long.toString(budget),
            "--load-threads",
            Integer.toString(models.size()))) {
      assertThat(Oip.index(runtime))
          .as(
              "the index after starting %d models in parallel within a budget for two",
              models.size())
          .hasSize(models.size())
          .allSatisfy(entry -> assertThat(entry.state()).isIn("READY", "EVICTED"));
      assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void modelNamesThatCouldLeaveTheRepositoryAreRejected(@TempDir Path workspace)
      throws IOException {
    Path root = ModelRepositories.copy(workspace.resolve("repository"), "iris");
    byte[] artifact = Files.readAllBytes(root.resolve("iris/1/model.onnx"));
    String fileUri = root.resolve("iris/1/model.onnx").toUri().toString();
    String escapee = "pier-escape-" + UUID.randomUUID();

    try (RuntimeProcess runtime = RuntimeProcess.start(root)) {
      for (String name :
          List.of(
              "..%2Fetc",
              "..%2F..%2F" + escapee, "..%2F" + escapee, "a%2Fb", "%2E%2E", ".hidden")) {
        HttpResponse<String> load =
            runtime.post(
                "/v2/repository/models/" + name + "/load",
                loadRequest(fileUri, sha256(artifact), "1"));
        assertThat(load.statusCode()).as("load of model name %s", name).isEqualTo(400);
        assertThat(Oip.error(load)).as("load of model name %s", name).contains("model name");
      }
      HttpResponse<String> unload = runtime.post("/v2/repository/models/..%2Fetc/unload", "");
      assertThat(unload.statusCode()).isEqualTo(400);
      assertThat(Oip.error(unload)).contains("model name");

      HttpResponse<String> badVersion =
          runtime.post(
              "/v2/repository/models/iris_copy/load",
              loadRequest(fileUri, sha256(artifact), "../../" + escapee));
      assertThat(badVersion.statusCode()).isEqualTo(400);
      assertThat(Oip.error(badVersion)).contains("version");

      assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);
    }

    try (Stream<Path> children = Files.list(workspace)) {
      assertThat(children.map(path -> path.getFileName().toString()))
          .as("entries beside the repository")
          .containsExactly("repository");
    }
    try (Stream<Path> children = Files.list(root)) {
      assertThat(children.map(path -> path.getFileName().toString()))
          .as("models in the repository")
          .containsExactly("iris");
    }
    assertThat(workspace.getParent().resolve(escapee)).doesNotExist();
  }

  private static void assertIrisAnswersSetosa(
      RuntimeProcess runtime, String path, String expectedVersion) {
    InferResponse response = Oip.inferResponse(runtime.post(path, Oip.IRIS_SETOSA));
    assertThat(response.modelVersion())
        .as("version that answered %s", path)
        .isEqualTo(expectedVersion);
    assertThat(response.output("label").longs())
        .as("iris label for the README's setosa flower, from %s", path)
        .containsExactly(1L);
  }

  private static HttpResponse<String> infer(RuntimeProcess runtime, String model) {
    return runtime.post("/v2/models/" + model + "/infer", REQUESTS.get(model));
  }

  /** Model name to state, for models with a single version 1. */
  private static Map<String, String> modelStates(RuntimeProcess runtime) {
    Map<String, String> states = new LinkedHashMap<>();
    for (IndexEntry entry : Oip.index(runtime)) {
      assertThat(entry.version()).as("version of %s", entry.name()).isEqualTo("1");
      states.put(entry.name(), entry.state());
    }
    return states;
  }

  private static String modelIn(Map<String, String> states, String state) {
    return states.entrySet().stream()
        .filter(entry -> entry.getValue().equals(state))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no model is " + state + ": " + states));
  }

  private static void assertMemoryGaugesFollow(
      RuntimeProcess runtime, Map<String, String> states, Map<String, Long> sizes) {
    PrometheusSamples metrics = PrometheusSamples.scrape(runtime);
    long loaded = 0;
    for (Map.Entry<String, String> model : states.entrySet()) {
      boolean isLoaded = model.getValue().equals("READY");
      loaded += isLoaded ? 1 : 0;
      assertThat(
              metrics.value(
                  "pier_runtime_model_memory_bytes",
                  Map.of("model", model.getKey(), "version", "1")))
          .as("memory gauge of %s while %s", model.getKey(), model.getValue())
          .isEqualTo(isLoaded ? (double) sizes.get(model.getKey()) : 0.0);
    }
    assertThat(metrics.value("pier_runtime_loaded_models", Map.of()))
        .as("loaded models gauge with states %s", states)
        .isEqualTo((double) loaded);
  }

  private static String loadRequest(String uri, String sha256, String version) {
    return "{\"parameters\":{\"artifact_uri\":\""
        + uri
        + "\",\"sha256\":\""
        + sha256
        + "\",\"version\":\""
        + version
        + "\"}}";
  }

  private static String loadRequest(String uri, String sha256, String version, String config) {
    return "{\"parameters\":{\"artifact_uri\":\""
        + uri
        + "\",\"sha256\":\""
        + sha256
        + "\",\"version\":\""
        + version
        + "\",\"config\":\""
        + config.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\"}}";
  }

  /** Serves the artifact at /model.onnx on a free loopback port. */
  private static HttpServer serve(byte[] artifact) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/model.onnx",
        exchange -> {
          try (exchange;
              OutputStream body = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(200, artifact.length);
            body.write(artifact);
          }
        });
    server.start();
    return server;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Regular files under a directory (none if it does not exist), as relative paths. */
  private static List<String> filesUnder(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      return paths
          .filter(Files::isRegularFile)
          .map(path -> directory.relativize(path).toString())
          .toList();
    }
  }

  private static long countLines(String output, String suffix) {
    return output.lines().filter(line -> line.endsWith(suffix)).count();
  }

  private static void deleteTree(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
