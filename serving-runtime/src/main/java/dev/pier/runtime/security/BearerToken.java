package dev.pier.runtime.security;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The bearer token callers must present ({@code Authorization: Bearer <token>}), or {@link #NONE}
 * when the runtime accepts every caller.
 *
 * <p>{@link #accepts} runs on every request: it allocates nothing, and the time it takes depends on
 * the token's length only, never on how much of a presented token matches. The token is never part
 * of a message or of {@link #toString()}. Immutable and thread-safe.
 */
public final class BearerToken {
  /** Accepts every caller: no token configured. */
  public static final BearerToken NONE = new BearerToken(null);

  private static final String SCHEME = "Bearer ";

  private final byte[] expected;

  private BearerToken(byte[] expected) {
    this.expected = expected;
  }

  /** The token {@code token}, or {@link #NONE} for an empty one. */
  public static BearerToken of(String token) {
    Objects.requireNonNull(token, "token");
    return token.isEmpty() ? NONE : new BearerToken(token.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether callers must present a token. */
  public boolean required() {
    return expected != null;
  }

  /**
   * Whether an {@code Authorization} header value (null when absent) carries the token: the {@code
   * Bearer} scheme (any case), one or more spaces, then exactly the token.
   */
  public boolean accepts(String authorization) {
    if (expected == null) {
      return true;
    }
    if (authorization == null
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    int start = SCHEME.length();
    int end = authorization.length();
    while (start < end && authorization.charAt(start) == ' ') {
      start++;
    }
    while (end > start && authorization.charAt(end - 1) == ' ') {
      end--;
    }
    int length = end - start;
    int difference = length ^ expected.length;
    for (int i = 0; i < expected.length; i++) {
      int presented = i < length ? authorization.charAt(start + i) : 0;
      difference |= presented ^ expected[i];
    }
    return difference == 0;
  }

  @Override
  public String toString() {
    return expected == null ? "BearerToken[none]" : "BearerToken[set]";
  }
}
