package dev.pier.controlplane.scheduler;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls a runtime's model repository extension. Runtimes unload whole models, not versions, so
 * every load also sends the model's {@code version_policy}: the versions this server should keep,
 * which makes loading a second version keep the first, and loading with a shorter list unload the
 * versions left out. Every call carries the runtimes' bearer token; {@code https} runtimes are
 * reached with the HTTP client's TLS context.
 */
class RuntimeRepositoryClient {
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);

  private final HttpClient http;
  private final JsonMapper json;
  private final String authorization;

  /**
   * @param authorization the {@code Authorization} header value runtimes require
   */
  RuntimeRepositoryClient(HttpClient http, JsonMapper json, String authorization) {
    this.http = http;
    this.json = json;
    this.authorization = authorization;
  }

  /**
   * Loads {@code version} of {@code model} from {@code artifactUri}, keeping {@code keep} loaded.
   *
   * @return empty when loaded, otherwise why not (the runtime's error)
   */
  Optional<String> load(
      String restUrl,
      String model,
      int version,
      String artifactUri,
      String sha256,
      Collection<Integer> keep) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("artifact_uri", artifactUri);
    parameters.put("sha256", sha256);
    parameters.put("version", Integer.toString(version));
    parameters.put(
        "config",
        json.writeValueAsString(Map.of("version_policy", keep.stream().sorted().toList())));
    String body = json.writeValueAsString(Map.of("parameters", parameters));
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(repository(restUrl, model, "load"))
                  .timeout(LOAD_TIMEOUT)
                  .header("Authorization", authorization)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        return Optional.empty();
      }
      return Optional.of("HTTP " + response.statusCode() + ": " + errorOf(response.body()));
    } catch (IOException e) {
      return Optional.of("the runtime cannot be reached: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  /** Unloads every version of {@code model}; best effort (a dead server has nothing loaded). */
  void unload(String restUrl, String model) {
    try {
      http.send(
          HttpRequest.newBuilder(repository(restUrl, model, "unload"))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", authorization)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{}"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      // The server is gone or restarting: nothing is loaded there any more.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String errorOf(String body) {
    try {
      JsonNode error = json.readTree(body).get("error");
      return error != null ? error.asString() : body;
    } catch (RuntimeException e) {
      return body;
    }
  }

  private static URI repository(String restUrl, String model, String action) {
    return URI.create(
        restUrl
            + "/v2/repository/models/"
            + URLEncoder.encode(model, StandardCharsets.UTF_8)
            + "/"
            + action);
  }
}
