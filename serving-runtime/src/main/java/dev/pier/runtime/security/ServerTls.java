package dev.pier.runtime.security;

import dev.pier.oip.tls.PemTls;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * A front end's TLS: the key managers presenting the runtime's certificate, and, for mutual TLS,
 * the trust managers that client certificates must chain to. Built once at start from the PEM files
 * of {@code --tls-certificate}, {@code --tls-private-key} and {@code --tls-client-ca}.
 *
 * @param keyManagers the runtime's certificate chain and key
 * @param clientTrust null: clients present no certificate; otherwise every client must present one
 *     signed by these authorities
 */
public record ServerTls(KeyManager[] keyManagers, TrustManager[] clientTrust) {
  public ServerTls {
    Objects.requireNonNull(keyManagers, "keyManagers");
  }

  /** Whether clients must present a certificate (mutual TLS). */
  public boolean clientCertificateRequired() {
    return clientTrust != null;
  }

  /** A JDK context for the REST front end. */
  public SSLContext sslContext() {
    return PemTls.sslContext(keyManagers, clientTrust);
  }
}
