package dev.pier.controlplane.security;

import dev.pier.controlplane.audit.AdminEvent;
import dev.pier.controlplane.audit.AdminEvents;
import dev.pier.controlplane.users.UserService;
import dev.pier.controlplane.users.UserView;
import java.time.Duration;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Password sign-in of local users, for the console's sign-in form and HTTP Basic on the API:
 * throttled by {@link SignInThrottle}, and every success and failure on record.
 */
@Component
class LocalSignIn implements AuthenticationProvider {
  private final UserService users;
  private final SignInThrottle throttle;
  private final AdminEvents adminEvents;

  LocalSignIn(UserService users, SignInThrottle throttle, AdminEvents adminEvents) {
    this.users = users;
    this.throttle = throttle;
    this.adminEvents = adminEvents;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String username = authentication.getName();
    String password =
        authentication.getCredentials() == null ? null : authentication.getCredentials().toString();
    String address =
        authentication.getDetails() instanceof WebAuthenticationDetails details
            ? details.getRemoteAddress()
            : null;
    Optional<Duration> locked = throttle.lockedFor(username, address);
    if (locked.isPresent()) {
      adminEvents.recordSeparately(
          printable(username),
          "sign-in.throttled",
          "user",
          printable(username),
          AdminEvent.Outcome.FAILURE,
          "refused without a password check from " + address);
      throw new TooManySignInAttempts(locked.get());
    }
    Optional<UserView> user = users.signIn(username, password);
    if (user.isEmpty()) {
      throttle.failed(username, address);
      adminEvents.recordSeparately(
          printable(username),
          "sign-in.failed",
          "user",
          printable(username),
          AdminEvent.Outcome.FAILURE,
          "wrong user name or password, or the account is disabled, from " + address);
      throw new BadCredentialsException("wrong user name or password");
    }
    throttle.succeeded(username, address);
    adminEvents.recordSeparately(
        username,
        "sign-in.succeeded",
        "user",
        username,
        AdminEvent.Outcome.SUCCESS,
        "password sign-in from " + address);
    UserView signedIn = user.get();
    return new PierAuthentication(
        new PierPrincipal(
            signedIn.username(),
            signedIn.roles(),
            PierPrincipal.Kind.LOCAL_USER,
            null,
            signedIn.mustChangePassword()));
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }

  /** A user name as typed can be anything; what is recorded is bounded and printable. */
  private static String printable(String username) {
    if (username == null) {
      return "";
    }
    String cleaned = username.replaceAll("\\p{Cntrl}", "?");
    return cleaned.length() <= 64 ? cleaned : cleaned.substring(0, 64) + "...";
  }
}
