package dev.pier.controlplane.users;

import jakarta.validation.constraints.NotNull;

/** A user's change of their own password: the current one proves it is them. */
public record PasswordChange(@NotNull String currentPassword, @NotNull String newPassword) {
  @Override
  public String toString() {
    return "PasswordChange[***]";
  }
}
