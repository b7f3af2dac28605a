package dev.pier.controlplane.runtimes;

import java.nio.file.Path;
import org.springframework.core.env.Environment;

/**
 * The control plane's own address as runtimes on the same host reach it: {@code
 * http(s)://<server.address, or 127.0.0.1 for a wildcard>:<port>}, {@code https} when Spring's
 * {@code server.ssl.*} serves TLS. The local driver gives it to its runtimes as {@code
 * --control-plane-url}, and the scheduler builds artifact URLs from it, so those URLs lie under the
 * runtimes' control-plane URL and carry their token.
 */
public final class LocalControlPlane {
  private LocalControlPlane() {}

  /** The base URL for the servlet container's actual port. */
  public static String url(Environment environment, int port) {
    String address = environment.getProperty("server.address", "");
    String host =
        address.isBlank() || address.equals("0.0.0.0") || address.equals("::")
            ? "127.0.0.1"
            : address;
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return (https(environment) ? "https://" : "http://") + host + ":" + port;
  }

  /** Whether the control plane serves HTTPS ({@code server.ssl.*} configured and enabled). */
  public static boolean https(Environment environment) {
    return environment.getProperty("server.ssl.enabled", Boolean.class, true)
        && (environment.containsProperty("server.ssl.certificate")
            || environment.containsProperty("server.ssl.key-store")
            || environment.containsProperty("server.ssl.bundle"));
  }

  /**
   * The PEM file of {@code server.ssl.certificate} when it names a file (a plain path or {@code
   * file:}), which local runtimes then trust for the control plane; null otherwise.
   */
  public static Path certificateFile(Environment environment) {
    String location = environment.getProperty("server.ssl.certificate", "").strip();
    if (location.startsWith("file:")) {
      location = location.substring("file:".length());
    }
    if (location.isEmpty() || location.contains(":") && !location.startsWith("/")) {
      return null; // classpath: and other resource kinds are no file a child can read
    }
    return Path.of(location).toAbsolutePath().normalize();
  }
}
