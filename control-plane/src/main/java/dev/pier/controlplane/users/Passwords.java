package dev.pier.controlplane.users;

import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Hashing, checking and generating passwords, and the rules a new password must meet. */
final class Passwords {
  static final int SHORTEST = 12;

  /** bcrypt reads at most 72 bytes; a longer password would be cut, so it is refused instead. */
  static final int LONGEST_BYTES = 72;

  private static final char[] ALPHABET =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
  private static final int GENERATED_LENGTH = 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** bcrypt with its id in front ({@code {bcrypt}$2a$10$...}), so the algorithm can change. */
  private final PasswordEncoder encoder =
      PasswordEncoderFactories.createDelegatingPasswordEncoder();

  /** A hash to compare against when the user does not exist, so both cases take as long. */
  private final String decoy = encoder.encode(generate());

  String hash(String password) {
    return encoder.encode(password);
  }

  boolean matches(String password, String hash) {
    return password != null && encoder.matches(password, hash == null ? decoy : hash);
  }

  /** Spends the time of one check, for a user who does not exist. */
  void matchDecoy(String password) {
    encoder.matches(password == null ? "" : password, decoy);
  }

  /** A random one-time password: 20 characters of an unambiguous alphabet, about 117 bits. */
  static String generate() {
    char[] password = new char[GENERATED_LENGTH];
    for (int index = 0; index < password.length; index++) {
      password[index] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(password);
  }

  /** Refuses a password that is too short, too long for bcrypt, or contains the username. */
  static void checkNew(String username, String password) {
    if (password == null || password.codePointCount(0, password.length()) < SHORTEST) {
      throw weak("the new password must have at least " + SHORTEST + " characters");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > LONGEST_BYTES) {
      throw weak("the new password must be at most " + LONGEST_BYTES + " bytes in UTF-8");
    }
    if (password.isBlank()) {
      throw weak("the new password must not be only white space");
    }
    if (password.toLowerCase(Locale.ROOT).contains(username.toLowerCase(Locale.ROOT))) {
      throw weak("the new password must not contain the username");
    }
  }

  private static PierException weak(String message) {
    return new PierException(ErrorCode.WEAK_PASSWORD, message);
  }
}
