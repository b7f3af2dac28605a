package dev.pier.controlplane.tokens;

import dev.pier.controlplane.audit.AdminEvents;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.PierPrincipal;
import dev.pier.controlplane.security.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;

/**
 * Creates, lists, revokes and checks API tokens.
 *
 * <p>Checking a secret, on the gateway's hot path, is {@link TokenChecks}'.
 */
@Service
@Validated
public class ApiTokenService {
  /** Every token starts so, which tells it from a JWT and lets secret scanners find leaked ones. */
  public static final String PREFIX = "pier_";

  private static final int SECRET_BYTES = 32;
  private static final int SHOWN_PREFIX = PREFIX.length() + 6;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String COLUMNS =
      "id, name, owner, owner_kind, prefix, roles, endpoints, created_at, expires_at,"
          + " last_used_at, revoked_at, revoked_by";

  private final JdbcClient jdbc;
  private final CurrentUser currentUser;
  private final AdminEvents adminEvents;
  private final ApplicationEventPublisher events;
  private final TokenChecks checks;

  ApiTokenService(
      JdbcClient jdbc,
      CurrentUser currentUser,
      AdminEvents adminEvents,
      ApplicationEventPublisher events,
      TokenChecks checks) {
    this.jdbc = jdbc;
    this.checks = checks;
    this.currentUser = currentUser;
    this.adminEvents = adminEvents;
    this.events = events;
  }

  /** Creates a token for the caller, with at most the caller's roles; its secret is shown once. */
  @PreAuthorize("hasRole('VIEWER')")
  @Transactional
  public CreatedToken create(@NotNull @Valid NewToken token) {
    PierPrincipal caller = caller();
    if (caller.kind() == PierPrincipal.Kind.API_TOKEN) {
      throw new PierException(
          ErrorCode.ACCESS_DENIED, "an API token cannot create tokens; sign in as a user");
    }
    Set<Role> held = Role.expand(caller.roles());
    Set<Role> missing = EnumSet.noneOf(Role.class);
    token.roles().stream().filter(role -> !held.contains(role)).forEach(missing::add);
    if (!missing.isEmpty()) {
      throw new PierException(
          ErrorCode.ACCESS_DENIED,
          "roles: a token cannot grant roles its creator does not hold: " + Role.join(missing));
    }
    Instant now = now();
    if (token.expiresAt() != null && !token.expiresAt().isAfter(now)) {
      throw new PierException(ErrorCode.VALIDATION_FAILED, "expiresAt: must be in the future");
    }
    byte[] random = new byte[SECRET_BYTES];
    RANDOM.nextBytes(random);
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    UUID id = UUID.randomUUID();
    jdbc.sql(
            "INSERT INTO api_token (id, name, owner, owner_kind, prefix, secret_sha256, roles,"
                + " endpoints, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            id,
            token.name(),
            caller.name(),
            caller.kind().name(),
            secret.substring(0, SHOWN_PREFIX),
            TokenChecks.sha256(secret),
            Role.join(token.roles()),
            token.endpoints() == null ? null : String.join(",", new TreeSet<>(token.endpoints())),
            Timestamp.from(now),
            token.expiresAt() == null ? null : Timestamp.from(token.expiresAt()))
        .update();
    TokenView created = find(id).orElseThrow();
    adminEvents.record("token.created", "token", id.toString(), null, created);
    return new CreatedToken(created, secret);
  }

  /** The caller's own tokens, newest first; {@code all} (admins only) lists everyone's. */
  @PreAuthorize("hasRole('VIEWER') and (!#all or hasRole('ADMIN'))")
  @Transactional(readOnly = true)
  public List<TokenView> list(boolean all) {
    if (all) {
      return jdbc.sql("SELECT " + COLUMNS + " FROM api_token ORDER BY created_at DESC")
          .query(ApiTokenService::view)
          .list();
    }
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM api_token WHERE owner = ? ORDER BY created_at DESC")
        .param(caller().name())
        .query(ApiTokenService::view)
        .list();
  }

  /** Revokes a token of the caller's (or anyone's, for an admin); it fails from now on. */
  @PreAuthorize("hasRole('VIEWER')")
  @Transactional
  public TokenView revoke(@NotNull UUID id) {
    PierPrincipal caller = caller();
    TokenView before =
        find(id)
            .filter(token -> token.owner().equals(caller.name()) || caller.has(Role.ADMIN))
            .orElseThrow(
                () ->
                    new PierException(
                        ErrorCode.TOKEN_NOT_FOUND, "you have no API token with id " + id));
    if (before.revokedAt() == null) {
      jdbc.sql("UPDATE api_token SET revoked_at = ?, revoked_by = ? WHERE id = ?")
          .params(Timestamp.from(now()), caller.name(), id)
          .update();
    }
    TokenView after = find(id).orElseThrow();
    adminEvents.record("token.revoked", "token", id.toString(), before, after);
    events.publishEvent(new TokenRevoked(id));
    return after;
  }

  /** A token was revoked (published in the revoking transaction). */
  record TokenRevoked(UUID id) {}

  /**
   * The caller a token secret stands for, if it is a live token ({@link TokenChecks#check}, which
   * the gateway's credential check calls directly, without this service's proxy).
   */
  public Optional<PierPrincipal> authenticate(String secret) {
    return checks.check(secret);
  }

  private Optional<TokenView> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM api_token WHERE id = ?")
        .param(id)
        .query(ApiTokenService::view)
        .optional();
  }

  private PierPrincipal caller() {
    return currentUser
        .principal()
        .orElseThrow(() -> new PierException(ErrorCode.UNAUTHENTICATED, "sign in first"));
  }

  private static TokenView view(ResultSet row, int number) throws SQLException {
    String endpoints = row.getString("endpoints");
    return new TokenView(
        row.getObject("id", UUID.class),
        row.getString("name"),
        row.getString("owner"),
        row.getString("prefix"),
        Role.split(row.getString("roles")),
        endpoints == null ? null : new TreeSet<>(Arrays.asList(endpoints.split(","))),
        instant(row.getTimestamp("created_at")),
        instant(row.getTimestamp("expires_at")),
        instant(row.getTimestamp("last_used_at")),
        instant(row.getTimestamp("revoked_at")),
        row.getString("revoked_by"));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
