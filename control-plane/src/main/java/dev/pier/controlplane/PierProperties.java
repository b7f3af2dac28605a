package dev.pier.controlplane;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The control plane's own settings, {@code pier.*}. Checked at start: a bad value, or a key under
 * {@code pier.} that does not exist here, stops startup with a message naming the key.
 *
 * <p>The rules are checked in the compact constructors rather than with Bean Validation
 * annotations: a record is then never constructed invalid (tests and other code build these too),
 * and the message names the key as it is written ({@code pier.embedded-database.port}), where a
 * constraint violation would name the Java property path.
 *
 * <p>Because unknown keys are refused, a new group of Pier settings is added here as a nested
 * record, never as a second {@code @ConfigurationProperties} class under {@code pier}.
 *
 * @param home where the control plane keeps its state by default: {@code ~/.pier}
 * @param artifactDirectory the local artifact store's directory: {@code <home>/artifacts}
 * @param maxUploadSize the largest model artifact accepted, uploaded or fetched from a URI; at most
 *     2 GiB - 1 byte, the most a single-file ONNX model (one protobuf message) can be
 * @param fetch how artifacts given by URI are fetched
 * @param embeddedDatabase the embedded PostgreSQL started when no {@code spring.datasource.url} is
 *     set
 * @param runtimes runtime servers: their registration and the local driver
 * @param gateway the OIP gateway's gRPC server
 */
@ConfigurationProperties(prefix = "pier", ignoreUnknownFields = false)
public record PierProperties(
    Path home,
    Path artifactDirectory,
    @DefaultValue("1GB") DataSize maxUploadSize,
    @DefaultValue Fetch fetch,
    @DefaultValue EmbeddedDatabase embeddedDatabase,
    @DefaultValue Runtimes runtimes,
    @DefaultValue Gateway gateway) {

  /** The key of {@link #maxUploadSize()}, which errors about too large artifacts name. */
  public static final String MAX_UPLOAD_SIZE_KEY = "pier.max-upload-size";

  /** A protobuf message, and so a single-file ONNX model, is at most 2^31 - 1 bytes. */
  public static final long LARGEST_ONNX_FILE = Integer.MAX_VALUE;

  public PierProperties {
    home =
        (home != null ? home : Path.of(System.getProperty("user.home"), ".pier"))
            .toAbsolutePath()
            .normalize();
    artifactDirectory =
        (artifactDirectory != null ? artifactDirectory : home.resolve("artifacts"))
            .toAbsolutePath()
            .normalize();
    require(maxUploadSize != null, MAX_UPLOAD_SIZE_KEY + " must be set");
    require(fetch != null, "pier.fetch must be set");
    require(embeddedDatabase != null, "pier.embedded-database must be set");
    require(runtimes != null, "pier.runtimes must be set");
    require(gateway != null, "pier.gateway must be set");
    require(
        maxUploadSize.toBytes() > 0 && maxUploadSize.toBytes() <= LARGEST_ONNX_FILE,
        MAX_UPLOAD_SIZE_KEY
            + " must be between 1B and "
            + LARGEST_ONNX_FILE
            + "B (the largest single-file ONNX model), but is "
            + maxUploadSize);
  }

  /** The embedded PostgreSQL's data directory; it persists between runs. */
  public Path embeddedDatabaseDirectory() {
    return home.resolve("postgres");
  }

  /**
   * Fetching model artifacts from {@code http}, {@code https} and {@code file} URIs.
   *
   * @param connectTimeout the longest wait for a connection
   * @param timeout the longest wait for the response headers once connected
   * @param fileRoots the directories {@code file:} URIs may point into; empty (the default) refuses
   *     every {@code file:} URI, because a file URI reads the control plane's own disk
   */
  public record Fetch(
      @DefaultValue("10s") Duration connectTimeout,
      @DefaultValue("60s") Duration timeout,
      @DefaultValue List<Path> fileRoots) {

    public Fetch {
      requirePositive(connectTimeout, "pier.fetch.connect-timeout");
      requirePositive(timeout, "pier.fetch.timeout");
      fileRoots =
          fileRoots == null
              ? List.of()
              : fileRoots.stream().map(root -> root.toAbsolutePath().normalize()).toList();
    }
  }

  /**
   * The embedded PostgreSQL (used when {@code spring.datasource.url} is not set).
   *
   * @param port its port on localhost; 0 picks a free one at every start
   * @param startupTimeout how long to wait for it to accept connections
   */
  public record EmbeddedDatabase(
      @DefaultValue("0") int port, @DefaultValue("60s") Duration startupTimeout) {

    public EmbeddedDatabase {
      require(
          port >= 0 && port <= 65535,
          "pier.embedded-database.port must be between 0 and 65535, but is " + port);
      requirePositive(startupTimeout, "pier.embedded-database.startup-timeout");
    }
  }

  /**
   * Runtime servers registering with the control plane, and the local driver that starts some.
   *
   * @param registrationToken the bearer token runtimes register, heartbeat and download artifacts
   *     with; unset generates a random one at every start, written to {@code
   *     <home>/runtime-registration-token}
   * @param authToken the bearer token the gateway and the scheduler present to runtimes (their
   *     {@code --auth-token}); unset generates a random one at the first start, kept owner-only in
   *     {@code <home>/runtime-auth-token} and reused from there
   * @param lostAfter a runtime without a heartbeat for this long is LOST
   * @param local runtime servers started as child processes of the control plane
   * @param artifactBaseUrl the control plane's URL as runtimes reach it, from which they download
   *     model artifacts; unset, {@code http(s)://127.0.0.1:<server port>}, which only runtimes on
   *     this host can reach
   * @param tls how the control plane trusts runtimes that serve TLS, and the client certificate it
   *     presents to runtimes that require one
   */
  public record Runtimes(
      String registrationToken,
      String authToken,
      @DefaultValue("15s") Duration lostAfter,
      @DefaultValue Local local,
      URI artifactBaseUrl,
      @DefaultValue Tls tls) {

    public Runtimes {
      if (artifactBaseUrl != null) {
        require(
            artifactBaseUrl.isAbsolute()
                && ("http".equals(artifactBaseUrl.getScheme())
                    || "https".equals(artifactBaseUrl.getScheme()))
                && artifactBaseUrl.getHost() != null
                && artifactBaseUrl.getRawQuery() == null
                && artifactBaseUrl.getRawFragment() == null,
            "pier.runtimes.artifact-base-url must be an http or https URL without query or"
                + " fragment, like http://pier.example.com:8080, but is "
                + artifactBaseUrl);
        String text = artifactBaseUrl.toString();
        artifactBaseUrl =
            URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      }
      registrationToken =
          registrationToken == null || registrationToken.isBlank() ? null : registrationToken;
      authToken = authToken == null || authToken.isBlank() ? null : authToken.strip();
      require(
          authToken == null || BEARER_TOKEN.matcher(authToken).matches(),
          "pier.runtimes.auth-token may only hold letters, digits and -._~+/ (then '=' padding),"
              + " as a bearer token must");
      requirePositive(lostAfter, "pier.runtimes.lost-after");
      require(local != null, "pier.runtimes.local must be set");
      require(tls != null, "pier.runtimes.tls must be set");
    }
  }

  /** Token characters of RFC 6750 (b64token), which runtimes accept. */
  private static final java.util.regex.Pattern BEARER_TOKEN =
      java.util.regex.Pattern.compile("[A-Za-z0-9._~+/-]+=*");

  /**
   * TLS towards runtimes whose registered REST URL is {@code https} (and whose gRPC port serves
   * TLS). PEM files, read at start.
   *
   * @param trustCertificates the CA bundle (or the runtimes' own certificates) trusted for runtime
   *     connections; unset trusts the JDK's default authorities
   * @param clientCertificate the certificate chain presented to runtimes that require mutual TLS
   * @param clientPrivateKey its unencrypted PKCS#8 key; set together with {@code
   *     client-certificate}
   */
  public record Tls(Path trustCertificates, Path clientCertificate, Path clientPrivateKey) {

    public Tls {
      require(
          (clientCertificate == null) == (clientPrivateKey == null),
          "pier.runtimes.tls.client-certificate and pier.runtimes.tls.client-private-key must be"
              + " set together");
    }
  }

  /**
   * The bare-metal driver's local runtime servers.
   *
   * @param count how many to keep running; 0 starts none
   * @param jar the runtime's executable jar; relative paths resolve against the working directory
   * @param tlsCertificate the PEM certificate chain local runtimes serve REST and gRPC with (their
   *     {@code --tls-certificate}); unset, they serve plain HTTP and gRPC
   * @param tlsPrivateKey its unencrypted PKCS#8 key; set together with {@code tls-certificate}
   * @param tlsClientCa a PEM CA bundle: local runtimes then require a client certificate it signed
   *     (mutual TLS; the gateway presents {@code pier.runtimes.tls.client-certificate})
   * @param controlPlaneCa what local runtimes trust for an HTTPS control plane; unset, the file of
   *     {@code server.ssl.certificate}
   */
  public record Local(
      @DefaultValue("1") int count,
      @DefaultValue("serving-runtime/target/pier-runtime.jar") Path jar,
      Path tlsCertificate,
      Path tlsPrivateKey,
      Path tlsClientCa,
      Path controlPlaneCa) {

    public Local {
      require(
          count >= 0 && count <= 64,
          "pier.runtimes.local.count must be between 0 and 64, but is " + count);
      require(jar != null, "pier.runtimes.local.jar must be set");
      jar = jar.toAbsolutePath().normalize();
      require(
          (tlsCertificate == null) == (tlsPrivateKey == null),
          "pier.runtimes.local.tls-certificate and pier.runtimes.local.tls-private-key must be set"
              + " together");
      require(
          tlsClientCa == null || tlsCertificate != null,
          "pier.runtimes.local.tls-client-ca needs pier.runtimes.local.tls-certificate and"
              + " tls-private-key: mutual TLS runs over TLS");
      tlsCertificate = absolute(tlsCertificate);
      tlsPrivateKey = absolute(tlsPrivateKey);
      tlsClientCa = absolute(tlsClientCa);
      controlPlaneCa = absolute(controlPlaneCa);
    }

    /** Whether local runtimes serve TLS. */
    public boolean tls() {
      return tlsCertificate != null;
    }
  }

  /** Children run in other directories: paths handed to them must not be relative. */
  private static Path absolute(Path path) {
    return path == null ? null : path.toAbsolutePath().normalize();
  }

  /**
   * The gateway's OIP gRPC server ({@code inference.GRPCInferenceService} and gRPC health); its
   * REST side is on the control plane's HTTP port.
   *
   * @param grpcPort the port it listens on; 0 picks a free one at every start
   */
  public record Gateway(@DefaultValue("8081") int grpcPort) {

    public Gateway {
      require(
          grpcPort >= 0 && grpcPort <= 65535,
          "pier.gateway.grpc-port must be between 0 and 65535, but is " + grpcPort);
    }
  }

  private static void requirePositive(Duration duration, String key) {
    require(
        duration != null && duration.isPositive(), key + " must be positive, but is " + duration);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
