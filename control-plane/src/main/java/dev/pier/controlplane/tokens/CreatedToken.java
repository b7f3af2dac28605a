package dev.pier.controlplane.tokens;

/** A token just created, with its secret: shown this once, never stored or shown again. */
public record CreatedToken(TokenView token, String secret) {
  @Override
  public String toString() {
    return "CreatedToken[" + token.name() + ", ***]";
  }
}
