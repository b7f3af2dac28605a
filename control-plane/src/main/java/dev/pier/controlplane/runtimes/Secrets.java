package dev.pier.controlplane.runtimes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/** Generated tokens and the owner-only files that keep them for runtimes started by hand. */
final class Secrets {
  private Secrets() {}

  /** 256 random bits, base64url without padding: a valid bearer token. */
  static String generate() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /** Writes {@code secret} to a new file only its owner can read (on POSIX file systems). */
  static void writeOwnerOnly(Path file, String secret) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file); // not a POSIX file system
      }
      Files.writeString(file, secret + "\n", StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the generated secret to " + file, e);
    }
  }

  /** The secret a previous start wrote to {@code file}, if it has one. */
  static Optional<String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String secret = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return secret.isEmpty() ? Optional.empty() : Optional.of(secret);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secret kept in " + file, e);
    }
  }
}
