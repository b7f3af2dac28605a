package dev.pier.runtime.model;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How the runtime downloads artifacts from the control plane it registers with: a URL under {@code
 * baseUrl} (same scheme, host and port, and a path below the base's) carries {@code Authorization:
 * Bearer <token>} and is trusted by {@code trust}; any other URL is fetched without either, so the
 * token never reaches another host.
 *
 * @param baseUrl the control plane's URL ({@code --control-plane-url}); empty for none
 * @param token the bearer token ({@code --control-plane-token}); empty sends none
 * @param trust TLS trust for an https control plane; null trusts the JDK's default authorities
 */
public record ControlPlaneDownloads(String baseUrl, String token, SSLContext trust) {
  /** A standalone runtime: no control plane. */
  public static final ControlPlaneDownloads NONE = new ControlPlaneDownloads("", "", null);

  public ControlPlaneDownloads {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(token, "token");
  }

  @Override
  public String toString() {
    return "ControlPlaneDownloads[baseUrl="
        + baseUrl
        + ", token="
        + (token.isEmpty() ? "unset" : "set")
        + "]";
  }

  /** Whether {@code uri} is the control plane's: under its base URL. */
  boolean covers(URI uri) {
    if (baseUrl.isEmpty() || uri.getScheme() == null || uri.getHost() == null) {
      return false;
    }
    URI base = URI.create(baseUrl);
    if (!base.getScheme().equalsIgnoreCase(uri.getScheme())
        || !base.getHost().equalsIgnoreCase(uri.getHost())
        || port(base) != port(uri)
        || uri.getRawUserInfo() != null) {
      return false;
    }
    String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return basePath.isEmpty()
        || path.equals(basePath)
        || (path.startsWith(basePath) && path.charAt(basePath.length()) == '/');
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return uri.getScheme().toLowerCase(Locale.ROOT).equals("https") ? 443 : 80;
  }
}
