package dev.pier.console.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged executable, {@code console-ui/target/pier.jar}, started the way an operator starts
 * it ({@code java -jar} from the repository root) on a data directory of the test's, with its
 * output in a log file, and its HTTP API. {@link #close} kills it and its runtime processes.
 */
public final class PierProcess implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(180);
  private static final Pattern API_URL = Pattern.compile("REST API:\\s+http://localhost:(\\d+)/");
  private static final Pattern ONE_TIME_PASSWORD =
      Pattern.compile("Sign in:\\s+user admin, one-time password (\\S+)");

  /** The password the tests give the first admin when they replace its one-time password. */
  public static final String ADMIN_PASSWORD = "password-chosen-by-the-tests";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final Process process;
  private final Path log;
  private int port;
  private volatile String authorization;

  private PierProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts Pier and returns once it printed its ready block. */
  public static PierProcess start(Path pierHome, Path log, String... arguments) throws IOException {
    // Not passed to Pier: from the repository root the local driver finds it by its default path.
    if (!Files.exists(Path.of(property("pier.runtime.jar")))) {
      throw new IllegalStateException("the runtime's jar is not built");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                property("pier.executable.jar"),
                "--pier.home=" + pierHome,
                "--server.port=0",
                "--pier.gateway.grpc-port=0"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(Path.of(property("pier.repository.root")).toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    PierProcess pier = new PierProcess(builder.start(), log);
    try {
      until(
          "Pier prints its ready block",
          START,
          () -> {
            if (!pier.process.isAlive()) {
              throw new AssertionError(
                  "Pier exited with " + pier.process.exitValue() + "\n" + pier.log());
            }
            String output = pier.log();
            Matcher matcher = API_URL.matcher(output);
            if (output.contains("Pier is ready") && matcher.find()) {
              pier.port = Integer.parseInt(matcher.group(1));
            }
            return pier.port > 0;
          },
          pier::log);
    } catch (RuntimeException | AssertionError e) {
      pier.close();
      throw e;
    }
    return pier;
  }

  public Process process() {
    return process;
  }

  public String baseUrl() {
    return "http://localhost:" + port;
  }

  /** The first admin's one-time password as the ready block printed it, if it did. */
  public java.util.Optional<String> oneTimePassword() {
    Matcher matcher = ONE_TIME_PASSWORD.matcher(log());
    return matcher.find() ? java.util.Optional.of(matcher.group(1)) : java.util.Optional.empty();
  }

  /**
   * Signs the API client in as the first admin: replaces the printed one-time password with {@link
   * #ADMIN_PASSWORD} if that was not done yet (in the browser or by an earlier run on the same
   * home), then creates an ADMIN token that {@link #get}, {@link #post} and {@link #upload} send.
   */
  public void signInAsAdmin() {
    String basic = basic("admin", ADMIN_PASSWORD);
    if (send(HttpRequest.newBuilder(uri("/api/v1/me")).header("Authorization", basic).GET())
            .status()
        == 401) {
      String oneTime = oneTimePassword().orElseThrow(() -> new AssertionError(log()));
      Response changed =
          send(
              HttpRequest.newBuilder(uri("/api/v1/me/password"))
                  .header("Authorization", basic("admin", oneTime))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"currentPassword\":\""
                              + oneTime
                              + "\",\"newPassword\":\""
                              + ADMIN_PASSWORD
                              + "\"}")));
      if (changed.status() != 200) {
        throw new AssertionError("password change refused: " + changed);
      }
    }
    Response token =
        send(
            HttpRequest.newBuilder(uri("/api/v1/tokens"))
                .header("Authorization", basic)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"tests\",\"roles\":[\"ADMIN\"]}")));
    if (token.status() != 201) {
      throw new AssertionError("token refused: " + token);
    }
    authorization = "Bearer " + token.json().get("secret").asString();
  }

  /** The {@code Authorization} value the API client sends, once signed in. */
  public String authorization() {
    return authorization;
  }

  private static String basic(String username, String password) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** A GET with these credentials instead of the admin's. */
  public Response get(String path, String authorization) {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", authorization).GET());
  }

  public Response post(String path, String json) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A POST with these credentials instead of the admin's. */
  public Response post(String path, String json, String authorization) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .header("Authorization", authorization)
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Response upload(String path, byte[] file) {
    String boundary = "pier-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"model.onnx\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(file);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
  }

  /** Kills Pier and whatever it started, and waits for it to be gone. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private URI uri(String path) {
    return URI.create(baseUrl() + path);
  }

  private Response send(HttpRequest.Builder request) {
    if (authorization != null && request.build().headers().firstValue("Authorization").isEmpty()) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<byte[]> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The example models' directory, {@code examples/}. */
  public static Path examples() {
    return Path.of(property("pier.examples.dir"));
  }

  static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException(
          "system property " + name + " is not set: run integration tests through failsafe");
    }
    return value;
  }

  /** Polls {@code condition} against a deadline; the pause between polls only avoids spinning. */
  public static void until(
      String description, Duration timeout, BooleanSupplier condition, Supplier<String> context) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting until " + description + "\n" + context.get());
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  /** An HTTP answer. */
  public record Response(int status, byte[] body) {
    public JsonNode json() {
      return JSON.readTree(body);
    }

    @Override
    public String toString() {
      return status + " " + new String(body, StandardCharsets.UTF_8);
    }
  }
}
