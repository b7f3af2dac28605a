package dev.pier.controlplane.gateway;

import dev.pier.controlplane.endpoints.EndpointAccess;
import dev.pier.controlplane.security.CurrentUser;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Inference through the gateway for callers in the control plane's own process (the console's "try
 * it" panel): the same routing, retries, timeouts and OIP errors as {@code POST
 * /v2/models/{endpoint}/infer} over HTTP, without a loopback connection.
 */
@Service
public class InProcessGateway {
  private final Gateway gateway;
  private final JsonMapper json;
  private final CurrentUser currentUser;
  private final EndpointAccess access;

  InProcessGateway(
      Gateway gateway, JsonMapper json, CurrentUser currentUser, EndpointAccess access) {
    this.gateway = gateway;
    this.json = json;
    this.currentUser = currentUser;
    this.access = access;
  }

  /**
   * The gateway's answer.
   *
   * @param status the HTTP status the same request would get over HTTP
   * @param body the OIP JSON answer: the inference response, or {@code {"error": "..."}}
   * @param nanos how long the gateway took, from routing to the last byte of the answer
   */
  public record Answer(int status, String body, long nanos) {
    public boolean ok() {
      return status == 200;
    }
  }

  /**
   * Sends an OIP JSON inference request to the endpoint's active version, or to {@code version}
   * when it is not null.
   */
  public Answer infer(String endpoint, Integer version, String request) {
    long start = System.nanoTime();
    try {
      Optional<String> refusal =
          currentUser
              .principal()
              .map(caller -> access.refusal(caller, endpoint, true))
              .orElse(Optional.of("sign in first"));
      if (refusal.isPresent()) {
        throw new GatewayException(403, refusal.get(), 0);
      }
      byte[] body = request.getBytes(StandardCharsets.UTF_8);
      RuntimeHttp.Answer response =
          gateway
              .infer(
                  endpoint,
                  version,
                  body,
                  body.length,
                  "application/json",
                  null,
                  header -> null,
                  currentUser.name(),
                  null)
              .answer();
      return new Answer(
          response.status(),
          new String(response.body(), StandardCharsets.UTF_8),
          System.nanoTime() - start);
    } catch (GatewayException e) {
      return new Answer(
          e.status(),
          json.writeValueAsString(Map.of("error", e.getMessage())),
          System.nanoTime() - start);
    }
  }
}
