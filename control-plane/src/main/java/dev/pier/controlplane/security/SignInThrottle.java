package dev.pier.controlplane.security;

import dev.pier.controlplane.PierProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Slows down password guessing: after {@code max-failures} failed sign-ins in a row for one user
 * name, or from one client address, further attempts are refused without checking the password for
 * a lockout that doubles with each further failure, up to a limit. A success clears the user's and
 * the address's count. In memory: a restart forgives, which a guesser cannot trigger.
 */
@Component
public class SignInThrottle {
  private static final int MOST_TRACKED = 100_000;

  private final PierProperties.SignIn settings;
  private final Clock clock;
  private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();

  @Autowired
  SignInThrottle(PierProperties properties) {
    this(properties.security().signIn(), Clock.systemUTC());
  }

  SignInThrottle(PierProperties.SignIn settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** How long the caller must still wait, if a lockout is running for the user or the address. */
  public Optional<Duration> lockedFor(String username, String address) {
    Instant now = clock.instant();
    Duration user = remaining(userKey(username), now);
    Duration client = remaining(addressKey(address), now);
    Duration longest = user.compareTo(client) >= 0 ? user : client;
    return longest.isPositive() ? Optional.of(longest) : Optional.empty();
  }

  public void failed(String username, String address) {
    if (failures.size() > MOST_TRACKED) {
      failures.clear(); // bounded memory against a flood of made-up names; forgives everyone
    }
    Instant now = clock.instant();
    for (String key : new String[] {userKey(username), addressKey(address)}) {
      failures.merge(key, Failures.FIRST, (old, first) -> old.plusOne());
      failures.computeIfPresent(key, (same, counted) -> counted.lockIfDue(now, settings));
    }
  }

  public void succeeded(String username, String address) {
    failures.remove(userKey(username));
    failures.remove(addressKey(address));
  }

  private Duration remaining(String key, Instant now) {
    Failures entry = failures.get(key);
    if (entry == null || entry.lockedUntil() == null || !entry.lockedUntil().isAfter(now)) {
      return Duration.ZERO;
    }
    return Duration.between(now, entry.lockedUntil());
  }

  private static String userKey(String username) {
    return "user:" + (username == null ? "" : username.toLowerCase(Locale.ROOT));
  }

  private static String addressKey(String address) {
    return "address:" + (address == null ? "" : address);
  }

  private record Failures(int count, Instant lockedUntil) {
    static final Failures FIRST = new Failures(1, null);

    Failures plusOne() {
      return new Failures(count + 1, lockedUntil);
    }

    Failures lockIfDue(Instant now, PierProperties.SignIn settings) {
      int beyond = count - settings.maxFailures();
      if (beyond < 0) {
        return this;
      }
      Duration lockout = settings.lockout().multipliedBy(1L << Math.min(beyond, 20));
      if (lockout.compareTo(settings.longestLockout()) > 0) {
        lockout = settings.longestLockout();
      }
      return new Failures(count, now.plus(lockout));
    }
  }
}
