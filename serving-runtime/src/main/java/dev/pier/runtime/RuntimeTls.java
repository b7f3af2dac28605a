package dev.pier.runtime;

import dev.pier.oip.tls.PemFile;
import dev.pier.oip.tls.PemTls;
import dev.pier.runtime.security.ServerTls;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The runtime's TLS material, read from its PEM files once at start, so that a missing file or an
 * unreadable key stops startup with a message naming the setting instead of failing the first
 * handshake.
 *
 * @param server the REST and gRPC front ends' TLS; null serves plain HTTP and gRPC
 * @param controlPlane the context trusting {@code --control-plane-ca} for registration, heartbeats
 *     and artifact downloads from the control plane; null trusts the JDK's default authorities
 */
record RuntimeTls(ServerTls server, SSLContext controlPlane) {

  static RuntimeTls load(RuntimeConfig config) throws RuntimeConfig.ConfigException {
    try {
      ServerTls server = null;
      if (config.tls()) {
        KeyManager[] keys =
            PemTls.keyManagers(
                new PemFile("tls-certificate", config.tlsCertificate()),
                new PemFile("tls-private-key", config.tlsPrivateKey()));
        TrustManager[] clients =
            config.tlsClientCa() == null
                ? null
                : PemTls.trustManagers(new PemFile("tls-client-ca", config.tlsClientCa()));
        server = new ServerTls(keys, clients);
      }
      SSLContext controlPlane =
          config.controlPlaneCa() == null
              ? null
              : PemTls.sslContext(
                  null,
                  PemTls.trustManagers(new PemFile("control-plane-ca", config.controlPlaneCa())));
      return new RuntimeTls(server, controlPlane);
    } catch (IllegalArgumentException e) {
      throw new RuntimeConfig.ConfigException(e.getMessage());
    }
  }
}
