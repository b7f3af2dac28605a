package dev.pier.console.ui;

import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.Role;

/**
 * Whether the signed-in user holds a role, for views to hide what the user may not do. Hiding is a
 * courtesy: the application services refuse it anyway.
 */
public final class Access {
  private Access() {}

  public static boolean has(CurrentUser user, Role role) {
    return user.principal().map(principal -> principal.has(role)).orElse(false);
  }
}
