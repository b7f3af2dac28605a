package dev.pier.controlplane.users;

import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.security.CurrentUser;
import dev.pier.controlplane.security.PierPrincipal;
import dev.pier.controlplane.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/users} (administrators manage local users) and {@code /api/v1/me} (who the caller
 * is, and a local user's own password change).
 */
@RestController
@Tag(name = "Users", description = "Local users, their roles and passwords")
class UserController {
  private final UserService users;
  private final CurrentUser currentUser;

  UserController(UserService users, CurrentUser currentUser) {
    this.users = users;
    this.currentUser = currentUser;
  }

  /** The caller: name, roles (as held and as they expand), kind, and a local user's account. */
  record Me(
      String name,
      PierPrincipal.Kind kind,
      Set<Role> roles,
      Set<Role> effectiveRoles,
      Set<String> endpoints,
      boolean passwordChangeRequired,
      UserView user) {}

  @GetMapping(path = "/api/v1/me", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Who the caller is")
  Me me() {
    PierPrincipal caller =
        currentUser
            .principal()
            .orElseThrow(() -> new PierException(ErrorCode.UNAUTHENTICATED, "sign in first"));
    return new Me(
        caller.name(),
        caller.kind(),
        caller.roles(),
        Role.expand(caller.roles()),
        caller.endpoints(),
        caller.passwordChangeRequired(),
        users.me().orElse(null));
  }

  @PostMapping(
      path = "/api/v1/me/password",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Change the caller's own password (a local user's)")
  UserView changePassword(@Valid @RequestBody PasswordChange change) {
    return users.changeOwnPassword(change);
  }

  @PostMapping(
      path = "/api/v1/users",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create a local user; the answer shows its one-time password once")
  ResponseEntity<CreatedUser> create(@Valid @RequestBody NewUser user) {
    CreatedUser created = users.create(user);
    return ResponseEntity.created(URI.create("/api/v1/users/" + created.user().username()))
        .body(created);
  }

  @GetMapping(path = "/api/v1/users", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "List local users")
  List<UserView> list() {
    return users.list();
  }

  @GetMapping(path = "/api/v1/users/{username}", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Read a local user")
  UserView get(@PathVariable String username) {
    return users.get(username);
  }

  @PatchMapping(
      path = "/api/v1/users/{username}",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Change a user's roles, display name, or whether they may sign in")
  UserView change(@PathVariable String username, @Valid @RequestBody UserChanges changes) {
    return users.change(username, changes);
  }

  @PostMapping(
      path = "/api/v1/users/{username}/password-reset",
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Give a user a new one-time password, shown once")
  CreatedUser resetPassword(@PathVariable String username) {
    return users.resetPassword(username);
  }

  @DeleteMapping("/api/v1/users/{username}")
  @Operation(summary = "Delete a local user")
  ResponseEntity<Void> delete(@PathVariable String username) {
    users.delete(username);
    return ResponseEntity.noContent().build();
  }
}
