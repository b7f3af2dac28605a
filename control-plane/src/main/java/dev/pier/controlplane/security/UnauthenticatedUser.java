package dev.pier.controlplane.security;

import org.springframework.stereotype.Component;

/** Until authentication exists every caller is the same anonymous user. */
@Component
class UnauthenticatedUser implements CurrentUser {
  static final String NAME = "anonymous";

  @Override
  public String name() {
    return NAME;
  }
}
