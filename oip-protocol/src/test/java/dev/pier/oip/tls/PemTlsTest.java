package dev.pier.oip.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.testing.tls.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM files as operators hold them, used for real TLS handshakes over loopback sockets. */
class PemTlsTest {
  @TempDir static Path directory;
  private static TestCertificates authority;
  private static TestCertificates.Issued rsaServer;
  private static TestCertificates.Issued ecClient;

  @BeforeAll
  static void issue() {
    authority = TestCertificates.authority(directory, "pem");
    rsaServer = authority.issue("server", "RSA");
    ecClient = authority.issue("client", "EC");
  }

  @Test
  void anRsaServerAndAnEcClientShakeHandsWithMutualAuthentication() throws Exception {
    SSLContext server = rsaServer(true);
    SSLContext client =
        PemTls.sslContext(
            PemTls.keyManagers(
                new PemFile("client-certificate", ecClient.certificate()),
                new PemFile("client-private-key", ecClient.privateKey())),
            PemTls.trustManagers(new PemFile("trust-certificates", authority.certificate())));

    assertThat(echo(server, true, client)).isEqualTo("CN=client");
  }

  @Test
  void aClientWithoutACertificateIsRefusedWhenOneIsRequired() {
    SSLContext server = rsaServer(true);
    SSLContext anonymous =
        PemTls.sslContext(
            null, PemTls.trustManagers(new PemFile("trust", authority.certificate())));

    assertThatThrownBy(() -> echo(server, true, anonymous)).isInstanceOf(IOException.class);
  }

  @Test
  void aServerSignedByAnotherAuthorityIsNotTrusted() throws Exception {
    TestCertificates other = TestCertificates.authority(directory, "other");
    SSLContext server = rsaServer(false);
    SSLContext client =
        PemTls.sslContext(null, PemTls.trustManagers(new PemFile("trust", other.certificate())));

    assertThatThrownBy(() -> echo(server, false, client)).isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void badFilesFailNamingTheirSetting() throws IOException {
    Path missing = directory.resolve("missing.pem");
    assertThatThrownBy(() -> PemTls.certificates(new PemFile("tls-certificate", missing)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tls-certificate: " + missing)
        .hasMessageContaining("cannot be read");

    Path binary = directory.resolve("binary.der");
    Files.write(binary, new byte[] {0x30, (byte) 0x82, 0x01, (byte) 0xff});
    assertThatThrownBy(() -> PemTls.privateKey(new PemFile("tls-private-key", binary)))
        .hasMessageStartingWith("tls-private-key: ")
        .hasMessageContaining("is not a PEM file");

    assertThatThrownBy(
            () -> PemTls.trustManagers(new PemFile("tls-client-ca", rsaServer.privateKey())))
        .hasMessageStartingWith("tls-client-ca: ")
        .hasMessageContaining("no '-----BEGIN CERTIFICATE-----' block");

    assertThatThrownBy(
            () -> PemTls.privateKey(new PemFile("tls-private-key", authority.certificate())))
        .hasMessageContaining("no '-----BEGIN PRIVATE KEY-----' block");

    byte[] noise = new byte[64];
    new SecureRandom().nextBytes(noise);
    Path pkcs1 = directory.resolve("pkcs1.pem");
    Files.writeString(pkcs1, TestCertificates.pem("RSA PRIVATE KEY", noise));
    assertThatThrownBy(() -> PemTls.privateKey(new PemFile("tls-private-key", pkcs1)))
        .hasMessageContaining("PKCS#1/SEC1")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    Path encrypted = directory.resolve("encrypted.pem");
    Files.writeString(encrypted, TestCertificates.pem("ENCRYPTED PRIVATE KEY", noise));
    assertThatThrownBy(() -> PemTls.privateKey(new PemFile("tls-private-key", encrypted)))
        .hasMessageContaining("encrypted key");
    Path garbage = directory.resolve("garbage.pem");
    Files.writeString(garbage, TestCertificates.pem("PRIVATE KEY", noise));
    assertThatThrownBy(() -> PemTls.privateKey(new PemFile("tls-private-key", garbage)))
        .hasMessageContaining("neither RSA nor EC");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedNamingBothSettings() {
    assertThatThrownBy(
            () ->
                PemTls.keyManagers(
                    new PemFile("tls-certificate", rsaServer.certificate()),
                    new PemFile("tls-private-key", ecClient.privateKey())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tls-private-key: ")
        .hasMessageContaining("does not belong")
        .hasMessageContaining("tls-certificate");
  }

  @Test
  void aChainFileKeepsItsOrder() {
    assertThat(PemTls.certificates(new PemFile("tls-certificate", rsaServer.certificate())))
        .extracting(certificate -> certificate.getSubjectX500Principal().getName())
        .containsExactly("CN=server", "CN=pem test authority");
  }

  /** The RSA server's context; with {@code trustClients}, trusting the authority's clients. */
  private static SSLContext rsaServer(boolean trustClients) {
    return PemTls.sslContext(
        PemTls.keyManagers(
            new PemFile("tls-certificate", rsaServer.certificate()),
            new PemFile("tls-private-key", rsaServer.privateKey())),
        trustClients
            ? PemTls.trustManagers(new PemFile("tls-client-ca", authority.certificate()))
            : null);
  }

  /**
   * One TLS connection over loopback: the client writes a byte, the server answers with the subject
   * of the client's certificate (or "anonymous").
   */
  private static String echo(SSLContext server, boolean requireClient, SSLContext client)
      throws Exception {
    try (SSLServerSocket listening =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listening.setNeedClientAuth(requireClient);
      CompletableFuture<Void> served =
          CompletableFuture.runAsync(
              () -> {
                try (SSLSocket accepted = (SSLSocket) listening.accept()) {
                  accepted.setSoTimeout(10_000);
                  int ignored = accepted.getInputStream().read();
                  String peer;
                  try {
                    peer =
                        ((X509Certificate) accepted.getSession().getPeerCertificates()[0])
                            .getSubjectX500Principal()
                            .getName();
                  } catch (SSLPeerUnverifiedException e) {
                    peer = "anonymous";
                  }
                  OutputStream out = accepted.getOutputStream();
                  out.write((peer + "\n").getBytes(StandardCharsets.UTF_8));
                  out.flush();
                } catch (IOException e) {
                  // the handshake failed on this side too
                }
              });
      try (SSLSocket socket =
          (SSLSocket)
              client
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), listening.getLocalPort())) {
        socket.setSoTimeout(10_000);
        var parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.getOutputStream().write('?');
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        byte[] answer = in.readAllBytes();
        if (answer.length == 0) {
          throw new IOException("the server closed the connection without an answer");
        }
        return new String(answer, StandardCharsets.UTF_8).strip();
      } finally {
        served.get(15, TimeUnit.SECONDS);
      }
    }
  }
}
