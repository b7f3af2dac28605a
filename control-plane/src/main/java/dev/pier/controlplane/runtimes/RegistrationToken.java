package dev.pier.controlplane.runtimes;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The bearer token runtimes register and heartbeat with: {@code pier.runtimes.registration-token},
 * or, when that is unset, a random one generated at start and written (owner-only) to {@code
 * <pier.home>/runtime-registration-token}, where an operator finds it for runtimes started by hand.
 * The token itself is never logged. Drivers pass it to the runtimes they start in the environment,
 * not on the command line, which other users of the machine can read.
 */
@Component
public class RegistrationToken {
  private static final Logger log = LoggerFactory.getLogger(RegistrationToken.class);
  static final String FILE_NAME = "runtime-registration-token";

  private final String value;
  private final byte[] bytes;

  RegistrationToken(PierProperties properties) {
    String configured = properties.runtimes().registrationToken();
    if (configured != null) {
      this.value = configured;
    } else {
      this.value = Secrets.generate();
      Path file = properties.home().resolve(FILE_NAME);
      Secrets.writeOwnerOnly(file, value);
      log.info(
          "pier.runtimes.registration-token is not set: generated one for this start; runtimes"
              + " started by hand need it as --control-plane-token, read it from {}",
          file);
    }
    this.bytes = value.getBytes(StandardCharsets.UTF_8);
  }

  /** The token, for drivers to hand to the runtimes they start. */
  public String value() {
    return value;
  }

  /**
   * Checks an {@code Authorization} header in time independent of where it differs from the token.
   *
   * @throws PierException {@link ErrorCode#UNAUTHENTICATED} when it is missing or wrong
   */
  void check(String authorization) {
    byte[] presented = presented(authorization);
    if (presented == null) {
      throw new PierException(
          ErrorCode.UNAUTHENTICATED,
          "runtime registration needs the registration token as 'Authorization: Bearer <token>'");
    }
    if (!MessageDigest.isEqual(bytes, presented)) {
      throw new PierException(
          ErrorCode.UNAUTHENTICATED,
          "the registration token is wrong; it is pier.runtimes.registration-token of the control"
              + " plane");
    }
  }

  /** Whether an {@code Authorization} header carries the token; time independent of the token. */
  boolean matches(String authorization) {
    byte[] presented = presented(authorization);
    // The expected token first: the comparison's time depends on its length only.
    return presented != null && MessageDigest.isEqual(bytes, presented);
  }

  /** The token a {@code Bearer} header presents, or null when the header is no such thing. */
  private static byte[] presented(String authorization) {
    String prefix = "Bearer ";
    if (authorization == null
        || authorization.length() <= prefix.length()
        || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return null;
    }
    return authorization.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
  }
}
