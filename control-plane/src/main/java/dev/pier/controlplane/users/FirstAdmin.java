package dev.pier.controlplane.users;

import dev.pier.controlplane.PierProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Creates the first administrator at first start, when no user exists: user {@code admin} with the
 * password {@code pier.security.initial-admin-password} (e.g. the environment variable {@code
 * PIER_SECURITY_INITIAL_ADMIN_PASSWORD}) or, unset, a generated one-time password kept owner-only
 * in {@code <pier.home>/initial-admin-password} until the admin has changed it, so the operator can
 * read it again after missing the start-up banner. Either way it must be changed at first sign-in.
 */
@Component
public class FirstAdmin {
  public static final String USERNAME = "admin";
  static final String PASSWORD_FILE = "initial-admin-password";
  private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

  private final UserService users;
  private final PierProperties properties;
  private final Path passwordFile;

  FirstAdmin(UserService users, PierProperties properties) {
    this.users = users;
    this.properties = properties;
    this.passwordFile = properties.home().resolve(PASSWORD_FILE);
  }

  @EventListener(ApplicationStartedEvent.class)
  void createIfNoUserExists() {
    if (users.anyUser()) {
      return;
    }
    String configured = properties.security().initialAdminPassword();
    String password = configured != null ? configured : Passwords.generate();
    if (configured == null) {
      write(password);
    }
    users.createFirstAdmin(USERNAME, password);
    log.info(
        "Created the first administrator '{}'; the password must be changed at first" + " sign-in",
        USERNAME);
  }

  /**
   * The generated one-time password while the first admin has not changed it yet; empty once it has
   * been changed or when it was configured rather than generated.
   */
  public Optional<String> pendingOneTimePassword() {
    if (!Files.isRegularFile(passwordFile) || !firstSignInPending()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(passwordFile, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether the first admin has not signed in and replaced the initial password yet. */
  public boolean firstSignInPending() {
    return users.onOneTimePassword(USERNAME);
  }

  /** Whether the first admin was given its password by configuration (and so none is printed). */
  public boolean passwordConfigured() {
    return properties.security().initialAdminPassword() != null;
  }

  /** The file the generated password is kept in until it is changed. */
  public Path passwordFile() {
    return passwordFile;
  }

  @TransactionalEventListener(fallbackExecution = true)
  void forgetOneTimePassword(PasswordChanged changed) {
    if (USERNAME.equals(changed.username())) {
      try {
        Files.deleteIfExists(passwordFile);
      } catch (IOException e) {
        log.warn("Could not delete {}: {}", passwordFile, e.getMessage());
      }
    }
  }

  private void write(String password) {
    try {
      Files.createDirectories(passwordFile.getParent());
      Path temporary = Files.createTempFile(passwordFile.getParent(), PASSWORD_FILE, ".tmp");
      try {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the directory's own permissions protect it.
      }
      Files.writeString(temporary, password + "\n", StandardCharsets.UTF_8);
      Files.move(
          temporary,
          passwordFile,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + passwordFile, e);
    }
  }
}
