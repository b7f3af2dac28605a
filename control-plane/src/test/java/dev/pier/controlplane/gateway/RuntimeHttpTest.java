package dev.pier.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.oip.tls.PemFile;
import dev.pier.oip.tls.PemTls;
import dev.pier.testing.tls.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's HTTP client against a scripted peer on a real local socket. */
class RuntimeHttpTest {
  private static final String OK =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";

  @TempDir Path certificates;

  private final RuntimeHttp http =
      new RuntimeHttp(Duration.ofSeconds(2), 1024 * 1024, "Bearer runtime-token", null);
  private Peer peer;

  @AfterEach
  void close() throws IOException {
    http.close();
    if (peer != null) {
      peer.close();
    }
  }

  @Test
  void requestsShareOneKeptAliveConnection() throws Exception {
    peer = new Peer(false, index -> OK);

    for (int i = 0; i < 3; i++) {
      RuntimeHttp.Answer answer = post("{\"n\": " + i + "}");
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.contentType()).isEqualTo("application/json");
      assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    assertThat(peer.connections.get()).isEqualTo(1);
    assertThat(peer.requests)
        .hasSize(3)
        .allSatisfy(request -> assertThat(request).startsWith("POST /v2/models/m/infer HTTP/1.1"));
    assertThat(peer.requests.get(2))
        .contains("Authorization: Bearer runtime-token\r\n")
        .contains("Content-Type: application/json\r\n")
        .contains("Content-Length: 8\r\n")
        .endsWith("\r\n\r\n{\"n\": 2}");
    assertThat(http.idle()).containsValue(1);
  }

  @Test
  void aConnectionTheRuntimeClosedWhileIdleIsReplacedTransparently() throws Exception {
    peer = new Peer(true, index -> OK); // answers one request per connection, then closes it

    assertThat(post("{}").status()).isEqualTo(200);
    Thread.sleep(100); // the peer has closed the pooled connection by now
    assertThat(post("{}").status()).isEqualTo(200);
    assertThat(post("{}").status()).isEqualTo(200);

    assertThat(peer.connections.get()).isEqualTo(3);
    assertThat(peer.requests).hasSize(3);
  }

  @Test
  void connectionCloseIsHonoured() throws Exception {
    peer =
        new Peer(
            true,
            index ->
                "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n"
                    + "Content-Length: 13\r\n\r\n{\"error\":\"x\"}");

    RuntimeHttp.Answer answer = post("{}");
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.retryAfter()).isEqualTo("1");
    assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"x\"}");
    assertThat(http.idle()).containsValue(0);
    assertThat(post("{}").status()).isEqualTo(503);
    assertThat(peer.connections.get()).isEqualTo(2);
  }

  @Test
  void chunkedAnswersAreAssembledAndTheConnectionKept() throws Exception {
    peer =
        new Peer(
            false,
            index ->
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                    + "Inference-Header-Content-Length: 7\r\n\r\n"
                    + "4;ext=1\r\n{\"a\"\r\n5\r\n:1}XY\r\n0\r\n\r\n");

    RuntimeHttp.Answer first = post("{}");
    RuntimeHttp.Answer second = post("{}");

    assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}XY");
    assertThat(first.headerLength()).isEqualTo("7");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(peer.connections.get()).isEqualTo(1);
  }

  @Test
  void anAnswerWithoutLengthIsReadToTheConnectionsEnd() throws Exception {
    peer = new Peer(true, index -> "HTTP/1.0 200 OK\r\n\r\nall of it");

    RuntimeHttp.Answer answer = get();

    assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("all of it");
    assertThat(http.idle()).containsValue(0);
    assertThat(peer.requests.getFirst()).startsWith("GET /v2/models/m HTTP/1.1\r\nHost: ");
  }

  @Test
  void noAnswerWithinTheDeadlineIsATimeout() throws Exception {
    peer = new Peer(false, index -> null); // reads the request, never answers

    long start = System.nanoTime();
    assertThatThrownBy(() -> get(peer.url(), Duration.ofMillis(300)))
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aRefusedConnectionIsUnreached() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    assertThatThrownBy(() -> get("http://127.0.0.1:" + port, Duration.ofSeconds(1)))
        .isInstanceOf(RuntimeHttp.Unreached.class);
  }

  @Test
  void anAnswerCutOffIsNotUnreached() throws Exception {
    peer = new Peer(true, index -> "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\"");

    assertThatThrownBy(this::get)
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(RuntimeHttp.Unreached.class);
  }

  @Test
  void serversLeavingTheRoutingTableLoseTheirConnections() throws Exception {
    peer = new Peer(false, index -> OK);
    post("{}");
    assertThat(http.idle()).containsOnlyKeys(peer.url());

    http.retain(List.of("http://elsewhere:1"));

    assertThat(http.idle()).isEmpty();
    assertThat(post("{}").status()).isEqualTo(200);
    assertThat(peer.connections.get()).isEqualTo(2);
  }

  @Test
  void httpsRuntimesAreReachedOverMutualTlsOnKeptAliveConnections() throws Exception {
    TestCertificates authority = TestCertificates.authority(certificates, "runtime-http");
    TestCertificates.Issued runtime = authority.issue("runtime", "RSA");
    TestCertificates.Issued gateway = authority.issue("gateway", "EC");
    SSLContext runtimeContext =
        PemTls.sslContext(
            PemTls.keyManagers(
                new PemFile("runtime", runtime.certificate()),
                new PemFile("runtime-key", runtime.privateKey())),
            PemTls.trustManagers(new PemFile("clients", authority.certificate())));
    peer = new Peer(false, index -> OK, runtimeContext);
    SSLContext gatewayContext =
        PemTls.sslContext(
            PemTls.keyManagers(
                new PemFile("gateway", gateway.certificate()),
                new PemFile("gateway-key", gateway.privateKey())),
            PemTls.trustManagers(new PemFile("runtimes", authority.certificate())));

    try (RuntimeHttp https =
        new RuntimeHttp(
            Duration.ofSeconds(2), 1024 * 1024, "Bearer t", gatewayContext.getSocketFactory())) {
      for (int i = 0; i < 2; i++) {
        RuntimeHttp.Answer answer =
            https.exchange(
                peer.url(),
                "POST",
                "/v2/models/m/infer",
                "{}".getBytes(StandardCharsets.UTF_8),
                2,
                "application/json",
                null,
                System.nanoTime() + Duration.ofSeconds(10).toNanos());
        assertThat(answer.status()).isEqualTo(200);
      }
      assertThat(peer.url()).startsWith("https://");
      assertThat(peer.connections.get()).isEqualTo(1);
      assertThat(peer.requests)
          .hasSize(2)
          .allSatisfy(request -> assertThat(request).contains("Authorization: Bearer t\r\n"));

      TestCertificates stranger = TestCertificates.authority(certificates, "stranger");
      try (RuntimeHttp untrusting =
          new RuntimeHttp(
              Duration.ofSeconds(2),
              1024 * 1024,
              "Bearer t",
              PemTls.sslContext(
                      null, PemTls.trustManagers(new PemFile("other", stranger.certificate())))
                  .getSocketFactory())) {
        assertThatThrownBy(
                () ->
                    untrusting.exchange(
                        peer.url(),
                        "GET",
                        "/v2/models/m",
                        null,
                        0,
                        null,
                        null,
                        System.nanoTime() + Duration.ofSeconds(10).toNanos()))
            .isInstanceOf(RuntimeHttp.Unreached.class)
            .hasMessageContaining("TLS with 127.0.0.1:");
      }
    }
  }

  private RuntimeHttp.Answer post(String json) throws IOException {
    byte[] body = (json + "   unsent").getBytes(StandardCharsets.UTF_8);
    return http.exchange(
        peer.url(),
        "POST",
        "/v2/models/m/infer",
        body,
        json.length(),
        "application/json",
        null,
        System.nanoTime() + Duration.ofSeconds(5).toNanos());
  }

  private RuntimeHttp.Answer get() throws IOException {
    return get(peer.url(), Duration.ofSeconds(5));
  }

  private RuntimeHttp.Answer get(String url, Duration timeout) throws IOException {
    return http.exchange(
        url, "GET", "/v2/models/m", null, 0, null, null, System.nanoTime() + timeout.toNanos());
  }

  /** A scripted HTTP/1.1 server: answers each request with {@code answers.apply(index)}. */
  private static final class Peer implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final boolean oneRequestPerConnection;
    private final IntFunction<String> answers;

    Peer(boolean oneRequestPerConnection, IntFunction<String> answers) throws IOException {
      this(oneRequestPerConnection, answers, null);
    }

    /** With {@code tls}, speaks HTTPS only and requires a client certificate. */
    Peer(boolean oneRequestPerConnection, IntFunction<String> answers, SSLContext tls)
        throws IOException {
      if (tls == null) {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } else {
        SSLServerSocket secure =
            (SSLServerSocket)
                tls.getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        secure.setNeedClientAuth(true);
        this.server = secure;
      }
      this.oneRequestPerConnection = oneRequestPerConnection;
      this.answers = answers;
      Thread.ofPlatform().daemon().start(this::accept);
    }

    String url() {
      return (server instanceof SSLServerSocket ? "https" : "http")
          + "://127.0.0.1:"
          + server.getLocalPort();
    }

    private void accept() {
      try {
        while (true) {
          Socket socket = server.accept();
          sockets.add(socket);
          connections.incrementAndGet();
          Thread.ofPlatform().daemon().start(() -> serve(socket));
        }
      } catch (IOException e) {
        // closed
      }
    }

    private void serve(Socket socket) {
      try (socket) {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        while (true) {
          String request = readRequest(in);
          if (request == null) {
            return;
          }
          int index = requests.size();
          requests.add(request);
          String answer = answers.apply(index);
          if (answer == null) {
            Thread.sleep(60_000);
            return;
          }
          out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          if (oneRequestPerConnection) {
            return;
          }
        }
      } catch (IOException | InterruptedException e) {
        // the client went away
      }
    }

    private static String readRequest(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        head.write(b);
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (text.endsWith("\r\n\r\n")) {
          int length = 0;
          for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
              length = Integer.parseInt(line.substring(15).trim());
            }
          }
          return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
        }
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }
}
