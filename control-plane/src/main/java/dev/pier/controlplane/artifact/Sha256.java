package dev.pier.controlplane.artifact;

import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A SHA-256 digest: the identity of an artifact's content.
 *
 * @param hex 64 lowercase hexadecimal digits
 */
public record Sha256(String hex) {
  private static final Pattern LOWERCASE_HEX = Pattern.compile("[0-9a-f]{64}");

  public Sha256 {
    if (hex == null || !LOWERCASE_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a SHA-256 in lowercase hexadecimal: " + hex);
    }
  }

  /** The digest of the raw 32 bytes a {@code MessageDigest} returns. */
  public static Sha256 of(byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + digest.length);
    }
    return new Sha256(HexFormat.of().formatHex(digest));
  }

  /** As RFC 9530's {@code Repr-Digest} header writes it: base64 of the raw bytes. */
  public String base64() {
    return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
  }

  @Override
  public String toString() {
    return hex;
  }
}
