package dev.pier.controlplane.users;

import dev.pier.controlplane.audit.AdminEvents;
import dev.pier.controlplane.base.Printable;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.PierPrincipal;
import dev.pier.controlplane.security.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;

/**
 * Local users: administrators manage them; every user changes their own password. Whoever holds the
 * only enabled ADMIN role cannot lose it, so the system always has an administrator.
 */
@Service
@Validated
public class UserService {
  private static final String COLUMNS =
      "username, display_name, password_hash, roles, must_change_password, enabled, created_at,"
          + " created_by, last_sign_in_at, revision";

  private final JdbcClient jdbc;
  private final CurrentUser currentUser;
  private final AdminEvents adminEvents;
  private final ApplicationEventPublisher events;
  private final Passwords passwords = new Passwords();

  UserService(
      JdbcClient jdbc,
      CurrentUser currentUser,
      AdminEvents adminEvents,
      ApplicationEventPublisher events) {
    this.jdbc = jdbc;
    this.currentUser = currentUser;
    this.adminEvents = adminEvents;
    this.events = events;
  }

  /** Creates a user with a one-time password, which the answer shows once. */
  @PreAuthorize("hasRole('ADMIN')")
  @Transactional
  public CreatedUser create(@NotNull @Valid NewUser user) {
    String password = Passwords.generate();
    insert(user.username(), user.displayName(), user.roles(), password, currentUser.name());
    UserView created = get(user.username());
    adminEvents.record("user.created", "user", user.username(), null, created);
    return new CreatedUser(created, password);
  }

  @PreAuthorize("hasRole('ADMIN')")
  @Transactional(readOnly = true)
  public List<UserView> list() {
    return jdbc.sql("SELECT " + COLUMNS + " FROM pier_user ORDER BY username")
        .query(UserService::view)
        .list();
  }

  @PreAuthorize("hasRole('ADMIN')")
  @Transactional(readOnly = true)
  public UserView get(@NotNull String username) {
    return find(username).orElseThrow(() -> notFound(username));
  }

  /** The signed-in local user, for the "me" page; empty for tokens and OIDC users. */
  @PreAuthorize("isAuthenticated()")
  @Transactional(readOnly = true)
  public Optional<UserView> me() {
    return currentUser
        .principal()
        .filter(principal -> principal.kind() == PierPrincipal.Kind.LOCAL_USER)
        .flatMap(principal -> find(principal.name()));
  }

  /** Changes roles, display name or whether the user may sign in. */
  @PreAuthorize("hasRole('ADMIN')")
  @Transactional
  public UserView change(@NotNull String username, @NotNull @Valid UserChanges changes) {
    UserView before = lock(username);
    if (changes.revision() != null && changes.revision() != before.revision()) {
      throw new PierException(
          ErrorCode.REVISION_MISMATCH,
          "user "
              + Printable.quote(username)
              + " is at revision "
              + before.revision()
              + ", not "
              + changes.revision()
              + "; read it again");
    }
    Set<Role> roles = changes.roles() == null ? before.roles() : changes.roles();
    boolean enabled = changes.enabled() == null ? before.enabled() : changes.enabled();
    if (before.enabled()
        && before.roles().contains(Role.ADMIN)
        && (!enabled || !roles.contains(Role.ADMIN))) {
      requireAnotherAdmin(username);
    }
    jdbc.sql(
            "UPDATE pier_user SET display_name = ?, roles = ?, enabled = ?, updated_at = ?,"
                + " revision = revision + 1 WHERE username = ?")
        .params(
            changes.displayName() == null ? before.displayName() : changes.displayName(),
            Role.join(roles),
            enabled,
            now(),
            username)
        .update();
    UserView after = get(username);
    adminEvents.record(
        before.roles().equals(after.roles()) ? "user.changed" : "user.roles-changed",
        "user",
        username,
        before,
        after);
    events.publishEvent(new AccountChanged(username));
    return after;
  }

  /** Gives the user a new one-time password, which they must change at their next sign-in. */
  @PreAuthorize("hasRole('ADMIN')")
  @Transactional
  public CreatedUser resetPassword(@NotNull String username) {
    UserView before = lock(username);
    String password = Passwords.generate();
    jdbc.sql(
            "UPDATE pier_user SET password_hash = ?, must_change_password = true, updated_at = ?,"
                + " revision = revision + 1 WHERE username = ?")
        .params(passwords.hash(password), now(), username)
        .update();
    UserView after = get(username);
    adminEvents.record("user.password-reset", "user", username, before, after);
    events.publishEvent(new AccountChanged(username));
    return new CreatedUser(after, password);
  }

  @PreAuthorize("hasRole('ADMIN')")
  @Transactional
  public void delete(@NotNull String username) {
    UserView before = lock(username);
    if (before.username().equals(currentUser.name())) {
      throw new PierException(
          ErrorCode.CONFLICT_WITH_SELF, "you cannot delete your own account; ask another admin");
    }
    if (before.enabled() && before.roles().contains(Role.ADMIN)) {
      requireAnotherAdmin(username);
    }
    jdbc.sql("DELETE FROM pier_user WHERE username = ?").param(username).update();
    adminEvents.record("user.deleted", "user", username, before, null);
    events.publishEvent(new AccountChanged(username));
  }

  /**
   * Changes the signed-in local user's own password; also the way out of a one-time password, so a
   * principal that must change its password may call it.
   */
  @PreAuthorize("isAuthenticated()")
  @Transactional
  public UserView changeOwnPassword(@NotNull @Valid PasswordChange change) {
    PierPrincipal principal =
        currentUser
            .principal()
            .filter(caller -> caller.kind() == PierPrincipal.Kind.LOCAL_USER)
            .orElseThrow(
                () ->
                    new PierException(
                        ErrorCode.ACCESS_DENIED,
                        "only local users have a password here; tokens and single sign-on"
                            + " users change nothing here"));
    String username = principal.name();
    String hash =
        jdbc.sql("SELECT password_hash FROM pier_user WHERE username = ? FOR UPDATE")
            .param(username)
            .query(String.class)
            .optional()
            .orElseThrow(() -> notFound(username));
    if (!passwords.matches(change.currentPassword(), hash)) {
      throw new PierException(
          ErrorCode.VALIDATION_FAILED, "currentPassword: is not the user's current password");
    }
    Passwords.checkNew(username, change.newPassword());
    if (change.newPassword().equals(change.currentPassword())) {
      throw new PierException(
          ErrorCode.WEAK_PASSWORD, "the new password must differ from the current one");
    }
    jdbc.sql(
            "UPDATE pier_user SET password_hash = ?, must_change_password = false,"
                + " updated_at = ?, revision = revision + 1 WHERE username = ?")
        .params(passwords.hash(change.newPassword()), now(), username)
        .update();
    adminEvents.record("user.password-changed", "user", username, null, null);
    events.publishEvent(new PasswordChanged(username));
    return find(username).orElseThrow(() -> notFound(username));
  }

  /**
   * Checks a local user's password for sign-in (no caller is authenticated yet, so no role is asked
   * for). Empty when the user does not exist, is disabled or the password is wrong; the three take
   * the same time, so a caller cannot tell which.
   */
  @Transactional
  public Optional<UserView> signIn(String username, String password) {
    Optional<Account> account =
        username == null
            ? Optional.empty()
            : jdbc.sql("SELECT " + COLUMNS + " FROM pier_user WHERE username = ?")
                .param(username)
                .query(
                    (row, number) -> new Account(view(row, number), row.getString("password_hash")))
                .optional();
    if (account.isEmpty()) {
      passwords.matchDecoy(password);
      return Optional.empty();
    }
    if (!passwords.matches(password, account.get().hash()) || !account.get().view().enabled()) {
      return Optional.empty();
    }
    jdbc.sql("UPDATE pier_user SET last_sign_in_at = ? WHERE username = ?")
        .params(now(), username)
        .update();
    return Optional.of(account.get().view());
  }

  /** Whether {@code username} exists and still signs in with a one-time password. */
  @Transactional(readOnly = true)
  boolean onOneTimePassword(String username) {
    return find(username).map(UserView::mustChangePassword).orElse(false);
  }

  /** Whether any local user exists: at first start none does, and the first admin is created. */
  @Transactional(readOnly = true)
  public boolean anyUser() {
    return jdbc.sql("SELECT count(*) FROM pier_user").query(Long.class).single() > 0;
  }

  /** Creates the first administrator; only while there is no user at all. */
  @Transactional
  public void createFirstAdmin(String username, String password) {
    Passwords.checkNew(username, password);
    jdbc.sql("LOCK TABLE pier_user IN EXCLUSIVE MODE").update();
    if (anyUser()) {
      return;
    }
    insert(username, "Administrator", EnumSet.of(Role.ADMIN), password, CurrentUser.SYSTEM);
    adminEvents.record("user.created", "user", username, null, get(username));
  }

  private void insert(
      String username, String displayName, Set<Role> roles, String password, String createdBy) {
    Timestamp now = now();
    try {
      jdbc.sql(
              "INSERT INTO pier_user (id, username, display_name, password_hash, roles,"
                  + " must_change_password, enabled, created_at, created_by, updated_at,"
                  + " revision) VALUES (?, ?, ?, ?, ?, true, true, ?, ?, ?, 1)")
          .params(
              UUID.randomUUID(),
              username,
              displayName,
              passwords.hash(password),
              Role.join(roles),
              now,
              createdBy,
              now)
          .update();
    } catch (DuplicateKeyException e) {
      throw new PierException(
          ErrorCode.USER_ALREADY_EXISTS,
          "a user named " + Printable.quote(username) + " already exists");
    }
  }

  private Optional<UserView> find(String username) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM pier_user WHERE username = ?")
        .param(username)
        .query(UserService::view)
        .optional();
  }

  private UserView lock(String username) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM pier_user WHERE username = ? FOR UPDATE")
        .param(username)
        .query(UserService::view)
        .optional()
        .orElseThrow(() -> notFound(username));
  }

  private void requireAnotherAdmin(String username) {
    List<String> admins =
        jdbc
            .sql("SELECT username, roles FROM pier_user WHERE enabled AND username <> ? FOR UPDATE")
            .param(username)
            .query(
                (row, number) ->
                    Role.split(row.getString("roles")).contains(Role.ADMIN)
                        ? row.getString("username")
                        : null)
            .list()
            .stream()
            .filter(Objects::nonNull)
            .toList();
    if (admins.isEmpty()) {
      throw new PierException(
          ErrorCode.LAST_ADMIN,
          Printable.quote(username)
              + " is the only enabled administrator; make another user ADMIN first");
    }
  }

  private static UserView view(ResultSet row, int number) throws SQLException {
    Timestamp lastSignIn = row.getTimestamp("last_sign_in_at");
    return new UserView(
        row.getString("username"),
        row.getString("display_name"),
        Role.split(row.getString("roles")),
        row.getBoolean("enabled"),
        row.getBoolean("must_change_password"),
        row.getTimestamp("created_at").toInstant(),
        row.getString("created_by"),
        lastSignIn == null ? null : lastSignIn.toInstant(),
        row.getLong("revision"));
  }

  private static Timestamp now() {
    return Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
  }

  private static PierException notFound(String username) {
    return new PierException(
        ErrorCode.USER_NOT_FOUND, "no user is named " + Printable.quote(username));
  }

  private record Account(UserView view, String hash) {}
}
