package dev.pier.controlplane.users;

/**
 * A user just created or whose password was just reset, with the one-time password that is shown
 * this once and never stored in clear.
 */
public record CreatedUser(UserView user, String oneTimePassword) {
  @Override
  public String toString() {
    return "CreatedUser[" + user.username() + ", ***]";
  }
}
