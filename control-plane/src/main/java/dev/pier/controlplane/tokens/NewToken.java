package dev.pier.controlplane.tokens;

import dev.pier.controlplane.security.Role;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.Set;

/**
 * What creating an API token takes.
 *
 * @param name what the token is for ({@code ci-deploy}), shown in lists
 * @param roles the roles it grants; each must be one the creator holds
 * @param endpoints when set, the only endpoints the token may use (inference and the endpoint's own
 *     API); other API operations are refused
 * @param expiresAt when it stops working; unset, never (until revoked)
 */
public record NewToken(
    @NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._ -]{0,127}", message = NewToken.NAME_RULE)
        String name,
    @NotNull @NotEmpty(message = "must name at least one role") Set<@NotNull Role> roles,
    @Size(min = 1, max = 64, message = "must name between 1 and 64 endpoints when set")
        Set<@NotNull String> endpoints,
    Instant expiresAt) {

  static final String NAME_RULE =
      "must be 1 to 128 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit";
}
