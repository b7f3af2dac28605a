package dev.pier.controlplane.security;

import java.time.Duration;
import org.springframework.security.core.AuthenticationException;

/** A sign-in refused without checking the password, because a lockout is running. */
public final class TooManySignInAttempts extends AuthenticationException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  TooManySignInAttempts(Duration retryAfter) {
    super(
        "too many failed sign-ins; try again in "
            + Math.max(1, (retryAfter.toMillis() + 999) / 1000)
            + " s");
    this.retryAfter = retryAfter;
  }

  /** Whole seconds to wait, at least one. */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }
}
