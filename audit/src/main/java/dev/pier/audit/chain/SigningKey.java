package dev.pier.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A secret key that signs each record's hash with HMAC-SHA256, so that a party who can rewrite the
 * store but does not hold the key cannot recompute a consistent chain.
 */
public final class SigningKey {
  private static final String ALGORITHM = "HmacSHA256";
  private static final int MINIMUM_BYTES = 32;

  private final SecretKeySpec key;

  private SigningKey(byte[] secret) {
    this.key = new SecretKeySpec(secret, ALGORITHM);
  }

  /**
   * @param secret at least 32 bytes of secret material
   */
  public static SigningKey of(byte[] secret) {
    if (secret.length < MINIMUM_BYTES) {
      throw new IllegalArgumentException(
          "a signing key needs at least " + MINIMUM_BYTES + " bytes, got " + secret.length);
    }
    return new SigningKey(secret.clone());
  }

  /** The signature of a hash, lower-case hex. */
  public String sign(String hash) {
    return HexFormat.of().formatHex(mac().doFinal(hash.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Whether {@code signature} is this key's signature of {@code hash} (in constant time). */
  public boolean verifies(String hash, String signature) {
    if (signature == null) {
      return false;
    }
    return MessageDigest.isEqual(
        sign(hash).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }

  private Mac mac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "SigningKey[HmacSHA256]";
  }
}
