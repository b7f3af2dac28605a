package dev.pier.controlplane.runtimes;

import dev.pier.controlplane.PierProperties;
import dev.pier.oip.tls.PemFile;
import dev.pier.oip.tls.PemTls;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * How the control plane calls runtimes: the bearer token it presents (a runtime's {@code
 * --auth-token}) and the TLS it speaks to runtimes whose REST URL is {@code https} or whose gRPC
 * port serves TLS. The gateway (REST and gRPC) and the scheduler (model repository calls) use it;
 * drivers hand the token to the runtimes they start, in the environment.
 *
 * <p>The token is {@code pier.runtimes.auth-token}; unset, one generated at the first start and
 * kept owner-only in {@code <pier.home>/runtime-auth-token}, so runtimes started by hand keep
 * working across restarts. The TLS files ({@code pier.runtimes.tls.*}) are read at start: a bad one
 * stops startup naming its key. Neither the token nor any key is ever logged.
 */
@Component
public class RuntimeAccess {
  private static final Logger log = LoggerFactory.getLogger(RuntimeAccess.class);
  static final String TOKEN_FILE = "runtime-auth-token";

  private final String authToken;
  private final KeyManager[] clientKeys;
  private final TrustManager[] trust;
  private final SSLContext sslContext;

  RuntimeAccess(PierProperties properties) {
    this.authToken = token(properties);
    PierProperties.Tls tls = properties.runtimes().tls();
    this.clientKeys =
        tls.clientCertificate() == null
            ? null
            : PemTls.keyManagers(
                new PemFile("pier.runtimes.tls.client-certificate", tls.clientCertificate()),
                new PemFile("pier.runtimes.tls.client-private-key", tls.clientPrivateKey()));
    this.trust =
        tls.trustCertificates() == null
            ? null
            : PemTls.trustManagers(
                new PemFile("pier.runtimes.tls.trust-certificates", tls.trustCertificates()));
    this.sslContext = PemTls.sslContext(clientKeys, trust);
  }

  private static String token(PierProperties properties) {
    String configured = properties.runtimes().authToken();
    if (configured != null) {
      return configured;
    }
    Path file = properties.home().resolve(TOKEN_FILE);
    Optional<String> kept = Secrets.read(file);
    if (kept.isPresent()) {
      return kept.get();
    }
    String generated = Secrets.generate();
    Secrets.writeOwnerOnly(file, generated);
    log.info(
        "pier.runtimes.auth-token is not set: generated one and kept it in {}; runtimes started by"
            + " hand need it as PIER_AUTH_TOKEN",
        file);
    return generated;
  }

  /** The token runtimes require, for drivers to hand to the runtimes they start. */
  public String authToken() {
    return authToken;
  }

  /** The {@code Authorization} header value for every call to a runtime. */
  public String authorization() {
    return "Bearer " + authToken;
  }

  /**
   * The TLS context for {@code https} runtimes: trusting {@code
   * pier.runtimes.tls.trust-certificates} (else the JDK's authorities) and presenting the client
   * certificate when one is configured.
   */
  public SSLContext sslContext() {
    return sslContext;
  }

  /** The client certificate's key managers for mutual TLS, or null when none is configured. */
  public KeyManager[] clientKeyManagers() {
    return clientKeys == null ? null : clientKeys.clone();
  }

  /** The trust managers for runtimes' certificates, or null for the JDK's default trust. */
  public TrustManager[] trustManagers() {
    return trust == null ? null : trust.clone();
  }

  @Override
  public String toString() {
    return "RuntimeAccess[token=set, clientCertificate="
        + (clientKeys != null)
        + ", trustCertificates="
        + (trust != null)
        + "]";
  }
}
