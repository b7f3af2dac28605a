package dev.pier.oip.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A PEM file and the setting it was configured by, so that every error about the file names the key
 * an operator has to fix.
 *
 * @param setting the configuration key, e.g. {@code tls-certificate} or {@code
 *     pier.runtimes.tls.trust-certificates}
 * @param path the file
 */
public record PemFile(String setting, Path path) {
  public PemFile {
    Objects.requireNonNull(setting, "setting");
    Objects.requireNonNull(path, "path");
  }
}
