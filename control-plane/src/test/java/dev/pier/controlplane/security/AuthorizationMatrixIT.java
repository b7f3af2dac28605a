package dev.pier.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.testing.Accounts;
import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.RunningControlPlane;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Who may call which REST operation, generated from the live OpenAPI document: every operation it
 * lists (but the runtimes', which take the registration token) is called with an API token of each
 * role, with none, and as a user who must still change a one-time password, and the answer is held
 * against {@link #MINIMUM_ROLE}: the table is kept here, not read from the access rules, so that
 * the two check each other, and an operation without an entry fails the build.
 *
 * <p>Every request is harmless: unknown names and ids, and bodies that fail validation, so an
 * allowed call answers 400, 404, 409 or the like and changes nothing. "Denied" is 403, "allowed"
 * anything but 401 and 403.
 */
class AuthorizationMatrixIT {
  /** The operations open to any signed-in caller, also one who must change a password first. */
  private static final Set<String> ANY_CALLER =
      Set.of("GET /api/v1/me", "POST /api/v1/me/password");

  /** The least role each operation needs. */
  private static final Map<String, Role> MINIMUM_ROLE = new LinkedHashMap<>();

  static {
    // Registry.
    MINIMUM_ROLE.put("GET /api/v1/models", Role.VIEWER);
    MINIMUM_ROLE.put("POST /api/v1/models", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("GET /api/v1/models/{name}", Role.VIEWER);
    MINIMUM_ROLE.put("PATCH /api/v1/models/{name}", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("DELETE /api/v1/models/{name}", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("GET /api/v1/models/{name}/versions", Role.VIEWER);
    MINIMUM_ROLE.put("POST /api/v1/models/{name}/versions", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("GET /api/v1/models/{name}/versions/{number}", Role.VIEWER);
    MINIMUM_ROLE.put("GET /api/v1/models/{name}/versions/{number}/artifact", Role.VIEWER);
    // Endpoints and rollouts.
    MINIMUM_ROLE.put("GET /api/v1/endpoints", Role.VIEWER);
    MINIMUM_ROLE.put("POST /api/v1/endpoints", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("GET /api/v1/endpoints/{name}", Role.VIEWER);
    MINIMUM_ROLE.put("PUT /api/v1/endpoints/{name}", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("PATCH /api/v1/endpoints/{name}", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("DELETE /api/v1/endpoints/{name}", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("GET /api/v1/endpoints/{name}/placements", Role.VIEWER);
    MINIMUM_ROLE.put("GET /api/v1/endpoints/{name}/rollout", Role.VIEWER);
    MINIMUM_ROLE.put("GET /api/v1/endpoints/{name}/rollout/comparison", Role.VIEWER);
    MINIMUM_ROLE.put("GET /api/v1/endpoints/{name}/rollout/history", Role.VIEWER);
    MINIMUM_ROLE.put("POST /api/v1/endpoints/{name}/rollout/canary", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("PUT /api/v1/endpoints/{name}/rollout/canary/weight", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("POST /api/v1/endpoints/{name}/rollout/abort", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("PUT /api/v1/endpoints/{name}/rollout/shadow", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("PUT /api/v1/endpoints/{name}/rollout/fallback", Role.DATA_SCIENTIST);
    MINIMUM_ROLE.put("POST /api/v1/endpoints/{name}/rollout/promote", Role.OPERATOR);
    MINIMUM_ROLE.put("POST /api/v1/endpoints/{name}/rollout/rollback", Role.OPERATOR);
    MINIMUM_ROLE.put("GET /api/v1/endpoints/{endpoint}/audit-policy", Role.VIEWER);
    MINIMUM_ROLE.put("PUT /api/v1/endpoints/{endpoint}/audit-policy", Role.DATA_SCIENTIST);
    // Servers and placements.
    MINIMUM_ROLE.put("GET /api/v1/servers", Role.VIEWER);
    MINIMUM_ROLE.put("GET /api/v1/servers/{id}", Role.VIEWER);
    MINIMUM_ROLE.put("GET /api/v1/placements", Role.VIEWER);
    // Users, tokens, audit.
    MINIMUM_ROLE.put("GET /api/v1/users", Role.ADMIN);
    MINIMUM_ROLE.put("POST /api/v1/users", Role.ADMIN);
    MINIMUM_ROLE.put("GET /api/v1/users/{username}", Role.ADMIN);
    MINIMUM_ROLE.put("PATCH /api/v1/users/{username}", Role.ADMIN);
    MINIMUM_ROLE.put("DELETE /api/v1/users/{username}", Role.ADMIN);
    MINIMUM_ROLE.put("POST /api/v1/users/{username}/password-reset", Role.ADMIN);
    MINIMUM_ROLE.put("GET /api/v1/tokens", Role.VIEWER);
    MINIMUM_ROLE.put("POST /api/v1/tokens", Role.VIEWER);
    MINIMUM_ROLE.put("DELETE /api/v1/tokens/{id}", Role.VIEWER);
    MINIMUM_ROLE.put("GET /api/v1/admin-events", Role.AUDITOR);
    MINIMUM_ROLE.put("GET /api/v1/audit/records", Role.AUDITOR);
    MINIMUM_ROLE.put("GET /api/v1/audit/verify", Role.AUDITOR);
    MINIMUM_ROLE.put("GET /api/v1/audit/export", Role.AUDITOR);
    MINIMUM_ROLE.put("GET /api/v1/audit/status", Role.AUDITOR);
  }

  /**
   * What each role may do, written out rather than taken from {@link Role}, so a change of the
   * hierarchy shows here too.
   */
  private static final Map<Role, Set<Role>> GRANTS = new EnumMap<>(Role.class);

  static {
    GRANTS.put(Role.VIEWER, EnumSet.of(Role.VIEWER));
    GRANTS.put(Role.ANALYST, EnumSet.of(Role.VIEWER, Role.ANALYST));
    GRANTS.put(Role.DATA_SCIENTIST, EnumSet.of(Role.VIEWER, Role.ANALYST, Role.DATA_SCIENTIST));
    GRANTS.put(Role.OPERATOR, EnumSet.of(Role.VIEWER, Role.ANALYST, Role.OPERATOR));
    GRANTS.put(Role.AUDITOR, EnumSet.of(Role.VIEWER, Role.AUDITOR));
    GRANTS.put(Role.ADMIN, EnumSet.allOf(Role.class));
  }

  /** Harmless values for the path variables: nothing has these names or ids. */
  private static final Map<String, String> UNKNOWN =
      Map.of(
          "name", "no-such-thing",
          "endpoint", "no-such-endpoint",
          "number", "999999",
          "id", UUID.randomUUID().toString(),
          "username", "no-such-user");

  private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");
  private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");
  private static final String CORS_ORIGIN = "https://app.example.com";

  @TempDir static Path pierHome;
  private static RunningControlPlane controlPlane;
  private static ApiClient admin;
  private static final Map<Role, ApiClient> BY_ROLE = new EnumMap<>(Role.class);
  private static List<Operation> operations;

  /** One operation of the document, with its request filled in. */
  private record Operation(String method, String template, String path) {
    String key() {
      return method + " " + template;
    }

    Response send(ApiClient client) {
      byte[] body =
          method.equals("GET") || method.equals("DELETE")
              ? null
              : "{}".getBytes(StandardCharsets.UTF_8);
      return client.send(method, path, body == null ? null : "application/json", body);
    }
  }

  @BeforeAll
  static void start() {
    controlPlane =
        RunningControlPlane.start(
            "pier.home=" + pierHome, "pier.security.cors-allowed-origins=" + CORS_ORIGIN);
    admin = controlPlane.api();
    ApiClient administrator = Accounts.administrator(controlPlane.anonymousApi());
    for (Role role : Role.values()) {
      BY_ROLE.put(
          role,
          Accounts.tokenClient(
              administrator, "matrix-" + role.name().toLowerCase(Locale.ROOT), role));
    }
    operations = operations(controlPlane.anonymousApi());
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void everyOperationOfTheDocumentHasAnExpectedRole() {
    Set<String> documented = new TreeSet<>();
    operations.forEach(operation -> documented.add(operation.key()));
    Set<String> withoutEntry = new TreeSet<>(documented);
    withoutEntry.removeAll(MINIMUM_ROLE.keySet());
    withoutEntry.removeAll(ANY_CALLER);
    assertThat(withoutEntry)
        .as(
            "operations of the OpenAPI document with no entry in this test's table: give each an"
                + " access rule (security.ApiAccess) and an entry here")
        .isEmpty();

    Set<String> stale = new TreeSet<>(MINIMUM_ROLE.keySet());
    stale.addAll(ANY_CALLER);
    stale.removeAll(documented);
    assertThat(stale).as("entries for operations the document no longer has").isEmpty();
  }

  @Test
  void eachRoleIsAllowedExactlyWhatItsTableEntrySays() {
    List<String> wrong = new ArrayList<>();
    int allowed = 0;
    int denied = 0;
    for (Operation operation : operations) {
      for (Role role : Role.values()) {
        Response answer = operation.send(BY_ROLE.get(role));
        boolean expected =
            ANY_CALLER.contains(operation.key())
                || (MINIMUM_ROLE.containsKey(operation.key())
                    && GRANTS.get(role).contains(MINIMUM_ROLE.get(operation.key())));
        if (answer.status() == 401) {
          wrong.add(role + " " + operation.path() + " is not even authenticated: " + answer);
        } else if (expected && answer.status() == 403) {
          wrong.add(role + " is denied " + operation.key() + ": " + answer);
        } else if (!expected && answer.status() != 403) {
          wrong.add(role + " is allowed " + operation.key() + ": " + answer);
        } else if (!expected && !answer.json().get("code").asString().equals("ACCESS_DENIED")) {
          wrong.add(role + " denied " + operation.key() + " with another code: " + answer);
        } else if (expected) {
          allowed++;
        } else {
          denied++;
        }
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(allowed).isPositive();
    assertThat(denied).isPositive();
  }

  @Test
  void everyOperationNeedsCredentials() {
    List<String> wrong = new ArrayList<>();
    ApiClient anonymous = controlPlane.anonymousApi();
    for (Operation operation : operations) {
      Response answer = operation.send(anonymous);
      if (answer.status() != 401
          || !answer.header("Content-Type").startsWith("application/problem+json")
          || !answer.json().get("code").asString().equals("UNAUTHENTICATED")
          || answer.header("WWW-Authenticate") == null) {
        wrong.add(operation.key() + " without credentials: " + answer);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void aUserWhoMustChangeTheOneTimePasswordMayDoNothingElse() {
    // An administrator, so that nothing but the pending password change stands in the way.
    String oneTime = Accounts.create(admin, "pending-admin", Role.ADMIN);
    ApiClient pending = Accounts.basic(admin, "pending-admin", oneTime);
    List<String> wrong = new ArrayList<>();
    for (Operation operation : operations) {
      Response answer = operation.send(pending);
      if (ANY_CALLER.contains(operation.key())) {
        if (answer.status() == 401 || answer.status() == 403) {
          wrong.add(operation.key() + " is refused: " + answer);
        }
      } else if (answer.status() != 403
          || !answer.json().get("code").asString().equals("PASSWORD_CHANGE_REQUIRED")) {
        wrong.add(operation.key() + " is not refused for the password: " + answer);
      }
    }
    assertThat(wrong).isEmpty();
    JsonNode me = pending.get("/api/v1/me").json();
    assertThat(me.get("passwordChangeRequired").asBoolean()).isTrue();
  }

  @Test
  void browsersOnTheAllowedOriginMayCallAndOthersMayNot() {
    ApiClient anonymous = controlPlane.anonymousApi();
    Response allowed = preflight(anonymous, "/api/v1/models", CORS_ORIGIN);
    assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(CORS_ORIGIN);
    assertThat(allowed.header("Access-Control-Allow-Methods")).contains("POST");
    assertThat(allowed.header("Access-Control-Allow-Headers").toLowerCase(Locale.ROOT))
        .contains("authorization")
        .contains("content-type");
    Response gateway = preflight(anonymous, "/v2/models/flowers/infer", CORS_ORIGIN);
    assertThat(gateway.status()).as(gateway.toString()).isEqualTo(200);
    assertThat(gateway.header("Access-Control-Allow-Origin")).isEqualTo(CORS_ORIGIN);

    Response refused = preflight(anonymous, "/api/v1/models", "https://elsewhere.example.com");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.header("Access-Control-Allow-Origin")).isNull();

    Response call = admin.get("/api/v1/models", "Origin", CORS_ORIGIN);
    assertThat(call.status()).isEqualTo(200);
    assertThat(call.header("Access-Control-Allow-Origin")).isEqualTo(CORS_ORIGIN);
    assertThat(call.header("Access-Control-Expose-Headers"))
        .as(
            "what a browser script may read of an answer: ETag for If-Match, the audit export's count")
        .contains("ETag")
        .contains("X-Total-Count")
        .contains("Pier-Target");
    Response otherCall = admin.get("/api/v1/models", "Origin", "https://elsewhere.example.com");
    assertThat(otherCall.header("Access-Control-Allow-Origin")).isNull();
  }

  private static Response preflight(ApiClient client, String path, String origin) {
    return client.send(
        "OPTIONS",
        path,
        null,
        null,
        "Origin",
        origin,
        "Access-Control-Request-Method",
        "POST",
        "Access-Control-Request-Headers",
        "authorization,content-type");
  }

  /** Every operation of the live OpenAPI document, but the runtimes' own. */
  private static List<Operation> operations(ApiClient anonymous) {
    Response document = anonymous.get("/api/v1/openapi.json");
    assertThat(document.status()).as(document.toString()).isEqualTo(200);
    List<Operation> found = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : document.json().get("paths").properties()) {
      String template = path.getKey();
      if (template.startsWith("/api/v1/runtimes/")) {
        continue; // the registration token's, tested by RuntimeServersIT
      }
      for (String method : METHODS) {
        if (path.getValue().has(method)) {
          found.add(new Operation(method.toUpperCase(Locale.ROOT), template, fill(template)));
        }
      }
    }
    assertThat(found).as("operations in the OpenAPI document").hasSizeGreaterThan(30);
    return found;
  }

  private static String fill(String template) {
    Matcher variable = VARIABLE.matcher(template);
    StringBuilder path = new StringBuilder();
    while (variable.find()) {
      String value = UNKNOWN.get(variable.group(1));
      assertThat(value)
          .as("a harmless value for {%s} in %s (add one to UNKNOWN)", variable.group(1), template)
          .isNotNull();
      variable.appendReplacement(path, value);
    }
    variable.appendTail(path);
    return path.toString();
  }
}
