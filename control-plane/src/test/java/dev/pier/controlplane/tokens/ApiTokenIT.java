package dev.pier.controlplane.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.security.Role;
import dev.pier.controlplane.testing.Accounts;
import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.Awaiting;
import dev.pier.controlplane.testing.Iris;
import dev.pier.controlplane.testing.RunningControlPlane;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * API tokens through their life against a real control plane: created with a secret shown once,
 * used, expired, revoked; bounded by their creator's roles, their endpoints and, for a local user's
 * token, the user's account as it is now.
 */
class ApiTokenIT {
  private static final String SETOSA = Iris.SETOSA;

  @TempDir static Path pierHome;
  private static RunningControlPlane controlPlane;
  private static ApiClient admin;
  private static ApiClient administrator;

  @BeforeAll
  static void start() {
    controlPlane = RunningControlPlane.start("pier.home=" + pierHome);
    admin = controlPlane.api();
    administrator = Accounts.administrator(controlPlane.anonymousApi());
    Iris.register(admin, "flowers", "other");
    Awaiting.until(
        "the gateway knows the endpoints",
        Duration.ofSeconds(30),
        () -> admin.get("/v2/models/other/ready").status() == 503,
        () -> admin.get("/v2/models/other/ready").toString());
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void aTokensSecretIsShownOnceAndItsUseIsRecorded() {
    JsonNode created =
        Accounts.token(administrator, "{\"name\": \"ci read\", \"roles\": [\"VIEWER\"]}");
    String secret = created.get("secret").asString();
    String id = created.get("token").get("id").asString();
    assertThat(secret).startsWith("pier_").hasSizeGreaterThan(40);
    assertThat(created.get("token").get("prefix").asString())
        .isEqualTo(secret.substring(0, "pier_".length() + 6));
    assertThat(created.get("token").get("owner").asString()).isEqualTo("admin");
    assertThat(created.get("token").get("lastUsedAt").isNull()).isTrue();

    Response listed = administrator.get("/api/v1/tokens");
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.text()).contains(id).doesNotContain(secret);
    assertThat(tokenIn(listed, id).has("secret")).isFalse();

    ApiClient token = administrator.withBearer(secret);
    Response used = token.get("/api/v1/models");
    assertThat(used.status()).as(used.toString()).isEqualTo(200);
    JsonNode me = token.get("/api/v1/me").json();
    assertThat(me.get("name").asString()).isEqualTo("token:ci read");
    assertThat(me.get("kind").asString()).isEqualTo("API_TOKEN");

    JsonNode afterUse = tokenIn(administrator.get("/api/v1/tokens"), id);
    assertThat(afterUse.get("lastUsedAt").isNull()).as(afterUse.toString()).isFalse();
    assertThat(Instant.parse(afterUse.get("lastUsedAt").asString()))
        .isAfterOrEqualTo(Instant.parse(afterUse.get("createdAt").asString()));
    assertThat(administrator.get("/api/v1/tokens").text()).doesNotContain(secret);
  }

  @Test
  void aRevokedTokenFailsFromTheVeryNextCall() {
    JsonNode created =
        Accounts.token(administrator, "{\"name\": \"revoked\", \"roles\": [\"VIEWER\"]}");
    String id = created.get("token").get("id").asString();
    ApiClient token = administrator.withBearer(created.get("secret").asString());
    assertThat(token.get("/api/v1/models").status()).isEqualTo(200);

    Response revoked = administrator.delete("/api/v1/tokens/" + id);
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
    assertThat(revoked.json().get("revokedAt").isNull()).isFalse();
    assertThat(revoked.json().get("revokedBy").asString()).isEqualTo("admin");

    Response refused = token.get("/api/v1/models");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().get("code").asString()).isEqualTo("UNAUTHENTICATED");
    assertThat(token.postJson("/v2/models/flowers/infer", SETOSA).status()).isEqualTo(401);
    assertThat(tokenIn(administrator.get("/api/v1/tokens"), id).get("revokedAt").isNull())
        .isFalse();
  }

  @Test
  void aTokenStopsWorkingOnceItsExpiryHasPassed() {
    Instant expiresAt = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
    JsonNode created =
        Accounts.token(
            administrator,
            "{\"name\": \"short\", \"roles\": [\"VIEWER\"], \"expiresAt\": \"" + expiresAt + "\"}");
    assertThat(Instant.parse(created.get("token").get("expiresAt").asString()))
        .isEqualTo(expiresAt);
    ApiClient token = administrator.withBearer(created.get("secret").asString());
    assertThat(token.get("/api/v1/models").status()).isEqualTo(200);

    Awaiting.until(
        "the token's expiry has passed",
        Duration.ofSeconds(30),
        () -> Instant.now().isAfter(expiresAt),
        () -> "expiresAt " + expiresAt);

    assertThat(token.get("/api/v1/models").status()).isEqualTo(401);

    Response past =
        administrator.postJson(
            "/api/v1/tokens",
            "{\"name\": \"past\", \"roles\": [\"VIEWER\"], \"expiresAt\": \"2020-01-01T00:00:00Z\"}");
    assertThat(past.status()).isEqualTo(400);
    assertThat(past.json().get("detail").asString()).contains("expiresAt");
  }

  @Test
  void aTokenCannotHoldRolesItsCreatorDoesNot() {
    ApiClient dana = Accounts.active(admin, "dana", Role.DATA_SCIENTIST);

    for (String role : new String[] {"ADMIN", "OPERATOR", "AUDITOR"}) {
      Response refused =
          dana.postJson(
              "/api/v1/tokens", "{\"name\": \"too-much\", \"roles\": [\"" + role + "\"]}");
      assertThat(refused.status()).as("%s: %s", role, refused).isEqualTo(403);
      assertThat(refused.json().get("detail").asString()).contains(role);
    }
    JsonNode lesser =
        Accounts.token(dana, "{\"name\": \"lesser\", \"roles\": [\"ANALYST\", \"VIEWER\"]}");
    assertThat(lesser.get("token").get("owner").asString()).isEqualTo("dana");
    assertThat(dana.get("/api/v1/tokens").text()).contains("lesser").doesNotContain("ci read");
  }

  @Test
  void aTokenCannotCreateTokensAndOnlyAdminsListEveryonesTokens() {
    Response byToken =
        admin.postJson("/api/v1/tokens", "{\"name\": \"offspring\", \"roles\": [\"VIEWER\"]}");
    assertThat(byToken.status()).isEqualTo(403);
    assertThat(byToken.json().get("detail").asString()).contains("cannot create tokens");

    ApiClient vera = Accounts.active(admin, "vera", Role.VIEWER);
    JsonNode verasToken = Accounts.token(vera, "{\"name\": \"veras\", \"roles\": [\"VIEWER\"]}");
    Response everyones = vera.get("/api/v1/tokens?all=true");
    assertThat(everyones.status()).as(everyones.toString()).isEqualTo(403);
    assertThat(everyones.json().get("code").asString()).isEqualTo("ACCESS_DENIED");
    Response all = administrator.get("/api/v1/tokens?all=true");
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.text()).contains(verasToken.get("token").get("id").asString());

    Response othersToken =
        vera.delete("/api/v1/tokens/" + tokenNamed(all, "tests").get("id").asString());
    assertThat(othersToken.status())
        .as("another user's token is not hers to revoke")
        .isEqualTo(404);
    assertThat(admin.get("/api/v1/models").status()).isEqualTo(200);
  }

  @Test
  void anEndpointScopedTokenUsesOnlyItsEndpoints() {
    JsonNode created =
        Accounts.token(
            administrator,
            "{\"name\": \"flowers only\", \"roles\": [\"ANALYST\"], \"endpoints\": [\"flowers\"]}");
    ApiClient scoped = administrator.withBearer(created.get("secret").asString());

    assertThat(scoped.get("/api/v1/endpoints/flowers").status()).isEqualTo(200);
    assertThat(scoped.get("/api/v1/endpoints/flowers/rollout").status()).isEqualTo(200);
    Response otherEndpoint = scoped.get("/api/v1/endpoints/other");
    assertThat(otherEndpoint.status()).isEqualTo(403);
    assertThat(otherEndpoint.json().get("detail").asString()).contains("flowers");
    assertThat(scoped.get("/api/v1/endpoints").status())
        .as("listing every endpoint is not about one of its endpoints")
        .isEqualTo(403);
    Response models = scoped.get("/api/v1/models");
    assertThat(models.status()).isEqualTo(403);
    assertThat(models.json().get("detail").asString()).contains("limited to the endpoints");

    Response ready = scoped.get("/v2/models/flowers/ready");
    assertThat(ready.status()).as("allowed; no runtime serves it: %s", ready).isEqualTo(503);
    Response infer = scoped.postJson("/v2/models/flowers/infer", SETOSA);
    assertThat(infer.status()).as("allowed; no runtime serves it: %s", infer).isEqualTo(503);
    Response otherInfer = scoped.postJson("/v2/models/other/infer", SETOSA);
    assertThat(otherInfer.status()).isEqualTo(403);
    assertThat(otherInfer.json().get("error").asString()).contains("flowers");
    assertThat(scoped.get("/v2/models/other").status()).isEqualTo(403);
  }

  @Test
  void aUsersTokenLosesPowerWithTheUsersAccount() {
    ApiClient erin = Accounts.active(admin, "erin", Role.DATA_SCIENTIST);
    ApiClient token = Accounts.tokenClient(erin, "erins", Role.DATA_SCIENTIST);
    assertThat(token.postJson("/api/v1/models", "{\"name\": \"erins-first\"}").status())
        .isEqualTo(201);

    assertThat(admin.patchJson("/api/v1/users/erin", "{\"roles\": [\"VIEWER\"]}").status())
        .isEqualTo(200);
    Response demoted = token.postJson("/api/v1/models", "{\"name\": \"erins-second\"}");
    assertThat(demoted.status()).as(demoted.toString()).isEqualTo(403);
    assertThat(token.get("/api/v1/models").status()).as("what VIEWER may do").isEqualTo(200);

    assertThat(admin.patchJson("/api/v1/users/erin", "{\"enabled\": false}").status())
        .isEqualTo(200);
    assertThat(token.get("/api/v1/models").status()).as("disabled").isEqualTo(401);

    assertThat(admin.patchJson("/api/v1/users/erin", "{\"enabled\": true}").status())
        .isEqualTo(200);
    assertThat(token.get("/api/v1/models").status()).as("enabled again").isEqualTo(200);

    assertThat(admin.delete("/api/v1/users/erin").status()).isEqualTo(204);
    assertThat(token.get("/api/v1/models").status()).as("deleted").isEqualTo(401);
  }

  private static JsonNode tokenIn(Response list, String id) {
    for (JsonNode token : list.json()) {
      if (token.get("id").asString().equals(id)) {
        return token;
      }
    }
    throw new AssertionError("no token " + id + " in " + list);
  }

  private static JsonNode tokenNamed(Response list, String name) {
    for (JsonNode token : list.json()) {
      if (token.get("name").asString().equals(name)) {
        return token;
      }
    }
    throw new AssertionError("no token named " + name + " in " + list);
  }
}
