package dev.pier.controlplane.testing;

import dev.pier.controlplane.security.Role;

/**
 * The first administrator as the tests run it: created by the control plane from {@link
 * #INITIAL_PASSWORD} ({@code pier.security.initial-admin-password}), signed in once to replace it
 * with {@link #PASSWORD}, as the first-sign-in rule demands, and then given an API token that the
 * tests' clients send.
 */
public final class Administrator {
  public static final String USERNAME = "admin";
  public static final String INITIAL_PASSWORD = "initial-password-of-the-tests";
  public static final String PASSWORD = "changed-password-of-the-tests";

  /** The setting that gives the first admin its initial password. */
  public static final String INITIAL_PASSWORD_SETTING =
      "pier.security.initial-admin-password=" + INITIAL_PASSWORD;

  private Administrator() {}

  /**
   * Replaces the one-time password if that was not done yet (a restarted control plane keeps it),
   * then creates an ADMIN token and returns a client that sends it.
   */
  public static ApiClient signIn(ApiClient anonymous) {
    ApiClient.Response me =
        anonymous.get("/api/v1/me", "Authorization", ApiClient.basic(USERNAME, PASSWORD));
    if (me.status() == 401) {
      Accounts.changePassword(anonymous, USERNAME, INITIAL_PASSWORD, PASSWORD);
    }
    return Accounts.tokenClient(Accounts.administrator(anonymous), "tests", Role.ADMIN);
  }
}
