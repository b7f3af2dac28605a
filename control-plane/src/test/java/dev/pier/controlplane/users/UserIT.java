package dev.pier.controlplane.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.security.Role;
import dev.pier.controlplane.testing.Accounts;
import dev.pier.controlplane.testing.ApiClient;
import dev.pier.controlplane.testing.ApiClient.Response;
import dev.pier.controlplane.testing.RunningControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Local users against a real control plane started without an initial admin password: the first
 * administrator's generated one-time password, user management, the rules that keep an
 * administrator, sign-in throttling, and the record of all of it in {@code /api/v1/admin-events}.
 * In order: each step builds on the accounts the one before left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserIT {
  private static final String ADMIN_PASSWORD = "a-passphrase-nobody-guesses";
  private static final String WRONG = "not-the-right-passphrase";

  @TempDir static Path pierHome;
  private static RunningControlPlane controlPlane;
  private static ApiClient anonymous;
  private static ApiClient administrator;
  private static ApiClient adminToken;
  private static final List<String> passwordsSeen = new ArrayList<>();

  @BeforeAll
  static void start() {
    controlPlane =
        RunningControlPlane.start(
            "pier.home=" + pierHome,
            "pier.security.initial-admin-password=",
            "pier.security.sign-in.max-failures=3",
            "pier.security.sign-in.lockout=10m",
            "pier.security.sign-in.longest-lockout=1h");
    anonymous = controlPlane.anonymousApi();
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  @Order(1)
  void theFirstAdministratorReplacesTheGeneratedPasswordAtFirstSignIn() throws IOException {
    Path file = pierHome.resolve("initial-admin-password");
    assertThat(file).isRegularFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String oneTime = Files.readString(file).strip();
    assertThat(oneTime).hasSizeGreaterThanOrEqualTo(20);
    passwordsSeen.add(oneTime);
    ApiClient firstSignIn = Accounts.basic(anonymous, "admin", oneTime);

    Response models = firstSignIn.get("/api/v1/models");
    assertThat(models.status()).isEqualTo(403);
    assertThat(models.json().get("code").asString()).isEqualTo("PASSWORD_CHANGE_REQUIRED");
    assertThat(models.json().get("detail").asString()).contains("/api/v1/me/password");
    JsonNode me = firstSignIn.get("/api/v1/me").json();
    assertThat(me.get("name").asString()).isEqualTo("admin");
    assertThat(me.get("passwordChangeRequired").asBoolean()).isTrue();
    assertThat(me.get("user").get("mustChangePassword").asBoolean()).isTrue();

    assertWeak(firstSignIn, oneTime, "short", "at least 12 characters");
    assertWeak(firstSignIn, oneTime, "my-ADMIN-passphrase", "must not contain the username");
    assertWeak(firstSignIn, oneTime, oneTime, "must differ from the current one");
    Response wrongCurrent = changePassword(firstSignIn, WRONG, ADMIN_PASSWORD);
    assertThat(wrongCurrent.status()).isEqualTo(400);
    assertThat(wrongCurrent.json().get("detail").asString()).contains("currentPassword");
    assertThat(file).as("kept until the password is changed").exists();

    Response changed = changePassword(firstSignIn, oneTime, ADMIN_PASSWORD);
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.json().get("mustChangePassword").asBoolean()).isFalse();
    passwordsSeen.add(ADMIN_PASSWORD);
    assertThat(file).as("the one-time password is forgotten").doesNotExist();

    administrator = Accounts.basic(anonymous, "admin", ADMIN_PASSWORD);
    assertThat(administrator.get("/api/v1/models").status()).isEqualTo(200);
    assertThat(firstSignIn.get("/api/v1/models").status()).isEqualTo(401);
    adminToken = Accounts.tokenClient(administrator, "user-it", Role.ADMIN);
  }

  @Test
  @Order(2)
  void anAdministratorCreatesChangesResetsDisablesAndDeletesUsers() {
    Response created =
        administrator.postJson(
            "/api/v1/users",
            "{\"username\": \"bob\", \"displayName\": \"Bob\", \"roles\": [\"ANALYST\"]}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/api/v1/users/bob");
    JsonNode bob = created.json().get("user");
    assertThat(bob.get("mustChangePassword").asBoolean()).isTrue();
    assertThat(bob.get("createdBy").asString()).isEqualTo("admin");
    assertThat(bob.has("passwordHash")).isFalse();
    assertThat(bob.toString()).doesNotContain("bcrypt");
    String oneTime = created.json().get("oneTimePassword").asString();
    passwordsSeen.add(oneTime);

    Response twice =
        administrator.postJson("/api/v1/users", "{\"username\": \"bob\", \"roles\": [\"VIEWER\"]}");
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.json().get("code").asString()).isEqualTo("USER_ALREADY_EXISTS");
    Response badName =
        administrator.postJson(
            "/api/v1/users", "{\"username\": \"Bob Smith\", \"roles\": [\"VIEWER\"]}");
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.json().get("detail").asString()).contains("username");

    Response pending = Accounts.basic(anonymous, "bob", oneTime).get("/api/v1/models");
    assertThat(pending.json().get("code").asString()).isEqualTo("PASSWORD_CHANGE_REQUIRED");
    String password = Accounts.passwordOf("bob");
    Accounts.changePassword(anonymous, "bob", oneTime, password);
    passwordsSeen.add(password);
    ApiClient asBob = Accounts.basic(anonymous, "bob", password);
    assertThat(asBob.get("/api/v1/models").status()).isEqualTo(200);
    assertThat(asBob.postJson("/api/v1/models", "{\"name\": \"bobs\"}").status()).isEqualTo(403);

    Response promoted =
        administrator.patchJson("/api/v1/users/bob", "{\"roles\": [\"DATA_SCIENTIST\"]}");
    assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
    assertThat(promoted.json().get("roles").toString()).isEqualTo("[\"DATA_SCIENTIST\"]");
    assertThat(asBob.postJson("/api/v1/models", "{\"name\": \"bobs\"}").status()).isEqualTo(201);

    Response reset = administrator.postJson("/api/v1/users/bob/password-reset", "{}");
    assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
    String newOneTime = reset.json().get("oneTimePassword").asString();
    passwordsSeen.add(newOneTime);
    assertThat(newOneTime).isNotEqualTo(oneTime);
    assertThat(reset.json().get("user").get("mustChangePassword").asBoolean()).isTrue();
    assertThat(asBob.get("/api/v1/models").status()).as("the old password").isEqualTo(401);
    ApiClient afterReset = Accounts.basic(anonymous, "bob", newOneTime);
    assertThat(afterReset.get("/api/v1/models").json().get("code").asString())
        .isEqualTo("PASSWORD_CHANGE_REQUIRED");

    Response disabled = administrator.patchJson("/api/v1/users/bob", "{\"enabled\": false}");
    assertThat(disabled.status()).isEqualTo(200);
    assertThat(disabled.json().get("enabled").asBoolean()).isFalse();
    assertThat(afterReset.get("/api/v1/me").status()).as("disabled").isEqualTo(401);
    assertThat(administrator.get("/api/v1/users").text()).contains("\"username\":\"bob\"");

    assertThat(administrator.delete("/api/v1/users/bob").status()).isEqualTo(204);
    assertThat(administrator.get("/api/v1/users/bob").status()).isEqualTo(404);
    assertThat(administrator.delete("/api/v1/users/bob").status()).isEqualTo(404);
  }

  @Test
  @Order(3)
  void theLastAdministratorStaysAndNoOneDeletesTheirOwnAccount() {
    Response demoted = administrator.patchJson("/api/v1/users/admin", "{\"roles\": [\"VIEWER\"]}");
    assertThat(demoted.status()).isEqualTo(409);
    assertThat(demoted.json().get("code").asString()).isEqualTo("LAST_ADMIN");
    Response disabled = administrator.patchJson("/api/v1/users/admin", "{\"enabled\": false}");
    assertThat(disabled.status()).isEqualTo(409);
    assertThat(disabled.json().get("code").asString()).isEqualTo("LAST_ADMIN");
    Response ownDelete = administrator.delete("/api/v1/users/admin");
    assertThat(ownDelete.status()).isEqualTo(409);
    assertThat(ownDelete.json().get("code").asString()).isEqualTo("CONFLICT_WITH_SELF");

    ApiClient carol = Accounts.active(administrator, "carol", Role.ADMIN);
    passwordsSeen.add(Accounts.passwordOf("carol"));
    Response carolDeletesHerself = carol.delete("/api/v1/users/carol");
    assertThat(carolDeletesHerself.status()).isEqualTo(409);
    assertThat(carolDeletesHerself.json().get("code").asString()).isEqualTo("CONFLICT_WITH_SELF");
    assertThat(administrator.delete("/api/v1/users/carol").status())
        .as("another administrator remains")
        .isEqualTo(204);
    assertThat(administrator.get("/api/v1/users/admin").json().get("roles").toString())
        .isEqualTo("[\"ADMIN\"]");
  }

  @Test
  @Order(4)
  void everyActionIsOnRecordWithActorTargetAndOutcome() {
    List<String> bob = events("bob");
    assertThat(bob)
        .contains(
            "admin user.created SUCCESS",
            "bob user.password-changed SUCCESS",
            "admin user.roles-changed SUCCESS",
            "admin user.password-reset SUCCESS",
            "admin user.changed SUCCESS",
            "admin user.deleted SUCCESS",
            "bob sign-in.succeeded SUCCESS",
            "bob sign-in.failed FAILURE");
    JsonNode rolesChanged = event("bob", "user.roles-changed");
    assertThat(rolesChanged.get("before").asString()).contains("ANALYST");
    assertThat(rolesChanged.get("after").asString()).contains("DATA_SCIENTIST");
    assertThat(rolesChanged.get("sourceAddress").asString()).isNotBlank();
    assertThat(event("bob", "user.deleted").get("after").isNull()).isTrue();

    assertThat(events("admin"))
        .contains(
            "pier user.created SUCCESS",
            "admin user.password-changed SUCCESS",
            "admin sign-in.succeeded SUCCESS",
            "admin sign-in.failed FAILURE");
    assertThat(events("carol"))
        .contains("admin user.created SUCCESS", "admin user.deleted SUCCESS");

    String everything = adminToken.get("/api/v1/admin-events?limit=1000").text();
    for (String password : passwordsSeen) {
      assertThat(everything).as("no password is recorded").doesNotContain(password);
    }
  }

  @Test
  @Order(5)
  void onlyAuditorsReadTheRecord() {
    ApiClient auditor = Accounts.tokenClient(administrator, "auditor", Role.AUDITOR);
    Response read = auditor.get("/api/v1/admin-events?targetType=user&target=admin");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().isEmpty()).isFalse();
    for (Role role : new Role[] {Role.VIEWER, Role.DATA_SCIENTIST, Role.OPERATOR}) {
      ApiClient other =
          Accounts.tokenClient(administrator, role.name().toLowerCase(java.util.Locale.ROOT), role);
      Response refused = other.get("/api/v1/admin-events");
      assertThat(refused.status()).as(role.name()).isEqualTo(403);
      assertThat(refused.json().get("detail").asString()).contains("AUDITOR");
    }
  }

  /** Last: the lockout also locks this client's address out of password sign-in. */
  @Test
  @Order(6)
  void tooManyFailedSignInsLockOutEvenTheRightPassword() {
    ApiClient tess = Accounts.active(administrator, "tess", Role.ANALYST);
    assertThat(tess.get("/api/v1/me").status())
        .as("a success clears earlier counts")
        .isEqualTo(200);
    ApiClient guesser = Accounts.basic(anonymous, "tess", WRONG);
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertThat(guesser.get("/api/v1/me").status()).as("guess %d", attempt).isEqualTo(401);
    }

    Response locked = tess.get("/api/v1/me");
    assertThat(locked.status()).isEqualTo(429);
    assertThat(locked.header("Content-Type")).startsWith("application/problem+json");
    assertThat(locked.json().get("code").asString()).isEqualTo("TOO_MANY_SIGN_IN_ATTEMPTS");
    assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(1L, 600L);
    assertThat(administrator.get("/api/v1/me").status())
        .as("the guesser's address is locked out too")
        .isEqualTo(429);
    assertThat(adminToken.get("/api/v1/me").status()).as("tokens are not throttled").isEqualTo(200);

    List<String> recorded = events("tess");
    assertThat(recorded).contains("tess sign-in.throttled FAILURE");
    assertThat(recorded.stream().filter("tess sign-in.failed FAILURE"::equals)).hasSize(3);
  }

  private static Response changePassword(ApiClient client, String current, String next) {
    return client.postJson(
        "/api/v1/me/password",
        "{\"currentPassword\": \"" + current + "\", \"newPassword\": \"" + next + "\"}");
  }

  private static void assertWeak(ApiClient client, String current, String next, String reason) {
    Response refused = changePassword(client, current, next);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.json().get("code").asString()).isEqualTo("WEAK_PASSWORD");
    assertThat(refused.json().get("detail").asString()).contains(reason);
  }

  /** "actor action outcome" of each record about the user, newest first. */
  private static List<String> events(String username) {
    List<String> events = new ArrayList<>();
    for (JsonNode event : userEvents(username)) {
      assertThat(event.get("targetType").asString()).isEqualTo("user");
      assertThat(event.get("target").asString()).isEqualTo(username);
      events.add(
          event.get("actor").asString()
              + " "
              + event.get("action").asString()
              + " "
              + event.get("outcome").asString());
    }
    return events;
  }

  private static JsonNode event(String username, String action) {
    for (JsonNode event : userEvents(username)) {
      if (event.get("action").asString().equals(action)) {
        return event;
      }
    }
    throw new AssertionError("no " + action + " about " + username);
  }

  private static JsonNode userEvents(String username) {
    Response events =
        adminToken.get("/api/v1/admin-events?targetType=user&target=" + username + "&limit=1000");
    assertThat(events.status()).as(events.toString()).isEqualTo(200);
    return events.json();
  }
}
