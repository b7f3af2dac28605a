package dev.pier.controlplane.runtimes;

import org.springframework.stereotype.Component;

/**
 * Recognises runtime servers among the control plane's callers: a request whose {@code
 * Authorization} header is {@code Bearer <pier.runtimes.registration-token>} comes from a runtime.
 * Runtimes present it to register, to heartbeat, and to download model artifacts ({@code GET
 * /api/v1/models/{name}/versions/{n}/artifact}), so a security filter can admit them there beside
 * signed-in users.
 *
 * <p>Thread-safe; the comparison takes time independent of where a presented token differs, and
 * nothing about the token is logged or returned.
 */
@Component
public class RuntimeCredentials {
  private final RegistrationToken token;

  RuntimeCredentials(RegistrationToken token) {
    this.token = token;
  }

  /**
   * Whether {@code authorizationHeader} (the raw header value, null when absent) carries the
   * runtime registration token under the {@code Bearer} scheme.
   */
  public boolean isRuntime(String authorizationHeader) {
    return token.matches(authorizationHeader);
  }
}
