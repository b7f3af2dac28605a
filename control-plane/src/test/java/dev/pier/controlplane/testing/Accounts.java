package dev.pier.controlplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.controlplane.security.Role;
import java.util.Arrays;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Local users and API tokens made the way an administrator and the users themselves make them:
 * through the API, each step checked.
 */
public final class Accounts {
  private Accounts() {}

  /** The password a test user chooses at first sign-in (it does not contain the user name). */
  public static String passwordOf(String username) {
    return "chosen-passphrase-" + Integer.toHexString(username.hashCode()) + "-of-the-tests";
  }

  /** A client that signs in as {@code username} with HTTP Basic on every request. */
  public static ApiClient basic(ApiClient any, String username, String password) {
    return any.authorizedBy(ApiClient.basic(username, password));
  }

  /** The first administrator with its changed password, over HTTP Basic. */
  public static ApiClient administrator(ApiClient any) {
    return basic(any, Administrator.USERNAME, Administrator.PASSWORD);
  }

  /** Creates a local user with {@code roles}; returns its one-time password. */
  public static String create(ApiClient admin, String username, Role... roles) {
    ApiClient.Response created =
        admin.postJson(
            "/api/v1/users",
            "{\"username\": \"" + username + "\", \"roles\": " + names(roles) + "}");
    assertThat(created.status()).as("creating %s: %s", username, created).isEqualTo(201);
    return created.json().get("oneTimePassword").asString();
  }

  /** Replaces a user's password, the way out of a one-time password. */
  public static void changePassword(ApiClient any, String username, String from, String to) {
    ApiClient.Response changed =
        any.postJson(
            "/api/v1/me/password",
            "{\"currentPassword\": \"" + from + "\", \"newPassword\": \"" + to + "\"}",
            "Authorization",
            ApiClient.basic(username, from));
    assertThat(changed.status())
        .as("%s changing the password: %s", username, changed)
        .isEqualTo(200);
  }

  /**
   * Creates a user, signs it in once to replace the one-time password with {@link #passwordOf}, and
   * returns a client signed in as it (HTTP Basic).
   */
  public static ApiClient active(ApiClient admin, String username, Role... roles) {
    String oneTime = create(admin, username, roles);
    changePassword(admin, username, oneTime, passwordOf(username));
    return basic(admin, username, passwordOf(username));
  }

  /**
   * Creates an API token as {@code user} (a signed-in user: tokens cannot create tokens) from the
   * JSON of a new token; returns the answer, with its {@code secret}.
   */
  public static JsonNode token(ApiClient user, String json) {
    ApiClient.Response created = user.postJson("/api/v1/tokens", json);
    assertThat(created.status()).as("creating a token %s: %s", json, created).isEqualTo(201);
    return created.json();
  }

  /** A client sending a new token of {@code user}'s with {@code roles}. */
  public static ApiClient tokenClient(ApiClient user, String name, Role... roles) {
    JsonNode created = token(user, "{\"name\": \"" + name + "\", \"roles\": " + names(roles) + "}");
    return user.withBearer(created.get("secret").asString());
  }

  /** {@code ["VIEWER","ANALYST"]}. */
  public static String names(Role... roles) {
    return Arrays.stream(roles)
        .map(role -> "\"" + role.name() + "\"")
        .collect(Collectors.joining(",", "[", "]"));
  }
}
