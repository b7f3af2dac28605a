package dev.pier.runtime.model;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The bearer token a runtime downloads artifacts from its control plane with: the registration
 * token it already sends there to register and heartbeat. It goes only to URLs of the control
 * plane's own origin (scheme, host and port), never to another host an {@code artifact_uri} may
 * name, and is never logged.
 */
public final class ArtifactCredentials {
  /** A standalone runtime's: downloads send no credentials. */
  public static final ArtifactCredentials NONE = new ArtifactCredentials(null, "");

  private final URI origin;
  private final String token;

  private ArtifactCredentials(URI origin, String token) {
    this.origin = origin;
    this.token = token;
  }

  /** Credentials for downloads from {@code controlPlaneUrl}; {@link #NONE} when either is empty. */
  public static ArtifactCredentials forControlPlane(String controlPlaneUrl, String token) {
    if (controlPlaneUrl == null || controlPlaneUrl.isEmpty() || token == null || token.isEmpty()) {
      return NONE;
    }
    return new ArtifactCredentials(URI.create(controlPlaneUrl), token);
  }

  /**
   * The {@code Authorization} value for a download from {@code uri}, if it is the control plane's.
   */
  Optional<String> authorizationFor(URI uri) {
    if (origin == null || !sameOrigin(origin, uri)) {
      return Optional.empty();
    }
    return Optional.of("Bearer " + token);
  }

  private static boolean sameOrigin(URI expected, URI actual) {
    return expected.getScheme().equalsIgnoreCase(String.valueOf(actual.getScheme()))
        && actual.getHost() != null
        && expected
            .getHost()
            .toLowerCase(Locale.ROOT)
            .equals(actual.getHost().toLowerCase(Locale.ROOT))
        && port(expected) == port(actual);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return origin == null
        ? "ArtifactCredentials[none]"
        : "ArtifactCredentials[" + origin + ", ***]";
  }
}
