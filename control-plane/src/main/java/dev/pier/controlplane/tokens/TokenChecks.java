package dev.pier.controlplane.tokens;

import dev.pier.controlplane.security.PierPrincipal;
import dev.pier.controlplane.security.Role;
import dev.pier.controlplane.users.AccountChanged;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Checks API token secrets: on the gateway's hot path, so a plain component without a proxy (no
 * method validation or security around each call), and a checked token is remembered for {@link
 * #REMEMBERED} by the hash of its secret, never the secret. Its last-used time is written at most
 * once per {@link #LAST_USED_PRECISION}. A revocation or an account change here forgets what was
 * remembered at once; another control-plane replica notices within {@link #REMEMBERED}.
 */
@Component
public class TokenChecks {
  static final Duration REMEMBERED = Duration.ofSeconds(5);
  static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);

  /** A digest per thread: {@code MessageDigest.getInstance} looks the provider up every time. */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(TokenChecks::newDigest);

  private final JdbcClient jdbc;
  private final ConcurrentHashMap<ByteBuffer, Checked> remembered = new ConcurrentHashMap<>();

  TokenChecks(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * A revoked token is forgotten once the revocation is committed: forgotten before, a check made
   * meanwhile would read it as live and remember it again.
   */
  @TransactionalEventListener(fallbackExecution = true)
  void forgetRevoked(ApiTokenService.TokenRevoked revoked) {
    remembered.values().removeIf(checked -> checked.id().equals(revoked.id()));
  }

  /**
   * The caller a token secret stands for, if it is a live token: known, not revoked, not expired,
   * and (for a local user's token) with an enabled owner, whose current roles bound the token's.
   */
  public Optional<PierPrincipal> check(String secret) {
    if (secret == null || !secret.startsWith(ApiTokenService.PREFIX)) {
      return Optional.empty();
    }
    ByteBuffer key = ByteBuffer.wrap(sha256(secret));
    Instant now = Instant.now();
    Checked checked = remembered.get(key);
    if (checked == null || checked.checkedAt().plus(REMEMBERED).isBefore(now)) {
      checked = load(key.array(), now);
      if (checked == null) {
        remembered.remove(key);
        return Optional.empty();
      }
      remembered.put(key, checked);
    }
    if (checked.expiresAt() != null && !checked.expiresAt().isAfter(now)) {
      return Optional.empty();
    }
    if (checked.lastUsedAt() == null
        || checked.lastUsedAt().plus(LAST_USED_PRECISION).isBefore(now)) {
      jdbc.sql("UPDATE api_token SET last_used_at = ? WHERE id = ?")
          .params(Timestamp.from(now.truncatedTo(ChronoUnit.MICROS)), checked.id())
          .update();
      remembered.put(key, checked.usedAt(now));
    }
    return Optional.of(checked.principal());
  }

  /**
   * A user's roles or account changed: their tokens are checked again at their next use. After the
   * commit, so that a check made meanwhile cannot remember the account as it was.
   */
  @TransactionalEventListener(fallbackExecution = true)
  void forgetChecks(AccountChanged changed) {
    remembered.clear();
  }

  private Checked load(byte[] hash, Instant now) {
    return jdbc.sql(
            "SELECT t.id, t.name, t.owner_kind, t.roles, t.endpoints, t.expires_at,"
                + " t.last_used_at, u.roles AS owner_roles, u.enabled AS owner_enabled"
                + " FROM api_token t LEFT JOIN pier_user u"
                + " ON t.owner_kind = 'LOCAL_USER' AND u.username = t.owner"
                + " WHERE t.secret_sha256 = ? AND t.revoked_at IS NULL")
        .param(hash)
        .query(
            (row, number) -> {
              Set<Role> roles = Role.split(row.getString("roles"));
              if (PierPrincipal.Kind.LOCAL_USER.name().equals(row.getString("owner_kind"))) {
                String ownerRoles = row.getString("owner_roles");
                if (ownerRoles == null || !row.getBoolean("owner_enabled")) {
                  return null; // the owner's account is gone or disabled
                }
                Set<Role> ownerHolds = Role.expand(Role.split(ownerRoles));
                if (!ownerHolds.containsAll(roles)) {
                  // What both the token and its owner's current roles allow: a DATA_SCIENTIST
                  // token of a user demoted to VIEWER still reads, as the user may.
                  Set<Role> both = EnumSet.copyOf(Role.expand(roles));
                  both.retainAll(ownerHolds);
                  roles = both;
                }
              }
              String endpoints = row.getString("endpoints");
              Timestamp expires = row.getTimestamp("expires_at");
              Timestamp used = row.getTimestamp("last_used_at");
              return new Checked(
                  row.getObject("id", UUID.class),
                  new PierPrincipal(
                      "token:" + row.getString("name"),
                      roles,
                      PierPrincipal.Kind.API_TOKEN,
                      endpoints == null ? null : Set.of(endpoints.split(",")),
                      false),
                  expires == null ? null : expires.toInstant(),
                  used == null ? null : used.toInstant(),
                  now);
            })
        .optional()
        .orElse(null);
  }

  static byte[] sha256(String secret) {
    return SHA_256.get().digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private record Checked(
      UUID id, PierPrincipal principal, Instant expiresAt, Instant lastUsedAt, Instant checkedAt) {
    Checked usedAt(Instant now) {
      return new Checked(id, principal, expiresAt, now, checkedAt);
    }
  }
}
