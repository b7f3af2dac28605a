package dev.pier.controlplane.users;

import dev.pier.controlplane.security.Role;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Set;

/**
 * What creating a local user takes. The user gets a one-time password, shown once in the answer, to
 * be changed at first sign-in.
 */
public record NewUser(
    @NotNull @Pattern(regexp = NewUser.USERNAME_PATTERN, message = NewUser.USERNAME_RULE)
        String username,
    @Size(max = 256) String displayName,
    @NotNull @NotEmpty(message = "must name at least one role") Set<@NotNull Role> roles) {

  public static final String USERNAME_PATTERN = "[a-z0-9][a-z0-9._@-]{0,63}";
  public static final String USERNAME_RULE =
      "must be 1 to 64 characters of lower-case letters, digits, '.', '_', '@' and '-',"
          + " starting with a letter or digit";
}
