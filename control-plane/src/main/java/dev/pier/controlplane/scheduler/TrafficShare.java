package dev.pier.controlplane.scheduler;

import java.nio.charset.StandardCharsets;

/** Sticky assignment: a key's bucket out of 10000, uniform and the same in every process. */
final class TrafficShare {
  static final int ALL = 10_000;

  private TrafficShare() {}

  /**
   * FNV-1a over the key's UTF-8 bytes, then MurmurHash3's 64-bit finaliser: sequential keys
   * ("user-1", "user-2", …) spread evenly, which {@link String#hashCode} modulo 10000 would not.
   */
  static int bucket(String key) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    hash ^= hash >>> 33;
    hash *= 0xff51afd7ed558ccdL;
    hash ^= hash >>> 33;
    hash *= 0xc4ceb9fe1a85ec53L;
    hash ^= hash >>> 33;
    return (int) Long.remainderUnsigned(hash, ALL);
  }
}
