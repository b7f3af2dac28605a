package dev.pier.controlplane;

import dev.pier.audit.dispatch.FullDiskPolicy;
import dev.pier.audit.elasticsearch.IndexPeriod;
import dev.pier.controlplane.security.Role;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * @param security sign-in: the first administrator, OIDC, throttling and CORS
 * @param audit the audit trail: its sink, journal, chain and default capture policy
 */
@ConfigurationProperties(prefix = "pier", ignoreUnknownFields = false)
public record PierProperties(
    Path home,
    Path artifactDirectory,
    @DefaultValue("1GB") DataSize maxUploadSize,
    @DefaultValue Fetch fetch,
    @DefaultValue EmbeddedDatabase embeddedDatabase,
    @DefaultValue Runtimes runtimes,
    @DefaultValue Gateway gateway,
    @DefaultValue Security security,
    @DefaultValue Audit audit) {

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
    require(security != null, "pier.security must be set");
    require(audit != null, "pier.audit must be set");
    audit = audit.withHome(home);
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

    /** Never prints the registration or the auth token. */
    @Override
    public String toString() {
      return "Runtimes[registrationToken="
          + (registrationToken == null ? "unset" : "***")
          + ", authToken="
          + (authToken == null ? "unset" : "***")
          + ", lostAfter="
          + lostAfter
          + ", local="
          + local
          + ", artifactBaseUrl="
          + artifactBaseUrl
          + ", tls="
          + tls
          + "]";
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
   * REST side is on the control plane's HTTP port (HTTPS with {@code server.ssl.*}).
   *
   * @param grpcPort the port it listens on; 0 picks a free one at every start
   * @param tlsCertificate the PEM certificate chain the gRPC port serves TLS with; unset, it speaks
   *     plaintext (keep it on a trusted network then, or set both files)
   * @param tlsPrivateKey the certificate's unencrypted PKCS#8 PEM private key
   */
  public record Gateway(
      @DefaultValue("8081") int grpcPort, Path tlsCertificate, Path tlsPrivateKey) {

    public Gateway {
      require(
          grpcPort >= 0 && grpcPort <= 65535,
          "pier.gateway.grpc-port must be between 0 and 65535, but is " + grpcPort);
      require(
          (tlsCertificate == null) == (tlsPrivateKey == null),
          "pier.gateway.tls-certificate and pier.gateway.tls-private-key must be set together");
    }

    /** Whether the gRPC port speaks TLS. */
    public boolean tls() {
      return tlsCertificate != null;
    }
  }

  /**
   * Who may sign in, and how.
   *
   * @param initialAdminPassword the first administrator's password, used only at first start when
   *     no user exists; unset generates a one-time password (kept owner-only in {@code
   *     <home>/initial-admin-password} until changed; it is not printed). Either way it must be
   *     changed at first sign-in
   * @param oidc an OpenID Connect provider whose tokens the API and gateway accept and through
   *     which the console signs in; off unless {@code pier.security.oidc.issuer-uri} is set
   * @param signIn throttling of failed password sign-ins
   * @param corsAllowedOrigins browser origins allowed to call the REST API and the gateway from
   *     scripts on other sites ({@code https://app.example.com}); empty allows none
   */
  public record Security(
      String initialAdminPassword,
      @DefaultValue Oidc oidc,
      @DefaultValue SignIn signIn,
      @DefaultValue List<String> corsAllowedOrigins) {

    public Security {
      initialAdminPassword =
          initialAdminPassword == null || initialAdminPassword.isEmpty()
              ? null
              : initialAdminPassword;
      require(
          initialAdminPassword == null || initialAdminPassword.length() >= 12,
          "pier.security.initial-admin-password must have at least 12 characters");
      require(oidc != null, "pier.security.oidc must be set");
      require(signIn != null, "pier.security.sign-in must be set");
      corsAllowedOrigins = corsAllowedOrigins == null ? List.of() : List.copyOf(corsAllowedOrigins);
      for (String origin : corsAllowedOrigins) {
        require(
            origin.equals("*") || origin.matches("https?://[^/?#\\s]+"),
            "pier.security.cors-allowed-origins must hold origins like https://app.example.com"
                + " (scheme, host and optional port; no path), but has "
                + origin);
      }
    }

    /** Never prints the initial password. */
    @Override
    public String toString() {
      return "Security[initialAdminPassword="
          + (initialAdminPassword == null ? "unset" : "***")
          + ", oidc="
          + oidc
          + ", signIn="
          + signIn
          + ", corsAllowedOrigins="
          + corsAllowedOrigins
          + "]";
    }
  }

  /**
   * An OpenID Connect provider.
   *
   * @param issuerUri the provider's issuer; its {@code /.well-known/openid-configuration} and keys
   *     are read when first needed, not at start, so the control plane starts while it is down
   * @param audience the audience ({@code aud}) bearer tokens must be issued for; required with an
   *     issuer, because a token for another application must not open this one
   * @param clientId the console's client at the provider (authorization code flow with PKCE);
   *     unset, the console offers no single sign-on
   * @param clientSecret the console client's secret; unset for a public client
   * @param rolesClaim the claim that carries the caller's roles (a list or a space-separated
   *     string); a dotted path reads nested claims ({@code realm_access.roles})
   * @param usernameClaim the claim recorded as the caller's name
   * @param roleMapping the provider's role names mapped to Pier's ({@code pier-admins: ADMIN});
   *     names not mapped count when they are a Pier role's name
   * @param defaultRoles roles every caller of the provider has, mapped or not
   * @param clockSkew how far token times may be off
   * @param displayName how the console's sign-in button names the provider
   */
  public record Oidc(
      URI issuerUri,
      String audience,
      String clientId,
      String clientSecret,
      @DefaultValue("roles") String rolesClaim,
      @DefaultValue("preferred_username") String usernameClaim,
      @DefaultValue Map<String, String> roleMapping,
      @DefaultValue List<String> defaultRoles,
      @DefaultValue("60s") Duration clockSkew,
      @DefaultValue("single sign-on") String displayName) {

    public Oidc {
      if (issuerUri != null) {
        require(
            issuerUri.isAbsolute()
                && ("https".equals(issuerUri.getScheme()) || "http".equals(issuerUri.getScheme())),
            "pier.security.oidc.issuer-uri must be an http or https URL, but is " + issuerUri);
        require(
            audience != null && !audience.isBlank(),
            "pier.security.oidc.audience must be set when pier.security.oidc.issuer-uri is");
      }
      require(
          clientId == null || issuerUri != null,
          "pier.security.oidc.client-id needs pier.security.oidc.issuer-uri");
      roleMapping = roleMapping == null ? Map.of() : Map.copyOf(roleMapping);
      roleMapping.forEach(
          (external, pier) ->
              require(
                  Role.parse(pier).isPresent(),
                  "pier.security.oidc.role-mapping."
                      + external
                      + " must name a Pier role (VIEWER, ANALYST, DATA_SCIENTIST, OPERATOR,"
                      + " AUDITOR, ADMIN), but is "
                      + pier));
      defaultRoles = defaultRoles == null ? List.of() : List.copyOf(defaultRoles);
      defaultRoles.forEach(
          role ->
              require(
                  Role.parse(role).isPresent(),
                  "pier.security.oidc.default-roles must name Pier roles, but has " + role));
      require(
          clockSkew != null && !clockSkew.isNegative(),
          "pier.security.oidc.clock-skew must not be negative, but is " + clockSkew);
      require(
          rolesClaim != null && !rolesClaim.isBlank(),
          "pier.security.oidc.roles-claim must be set");
      require(
          usernameClaim != null && !usernameClaim.isBlank(),
          "pier.security.oidc.username-claim must be set");
    }

    public boolean enabled() {
      return issuerUri != null;
    }

    public boolean consoleSignIn() {
      return clientId != null;
    }

    /** Never prints the client secret. */
    @Override
    public String toString() {
      return "Oidc[issuerUri="
          + issuerUri
          + ", audience="
          + audience
          + ", clientId="
          + clientId
          + ", clientSecret="
          + (clientSecret == null ? "unset" : "***")
          + ", rolesClaim="
          + rolesClaim
          + ", usernameClaim="
          + usernameClaim
          + ", roleMapping="
          + roleMapping
          + ", defaultRoles="
          + defaultRoles
          + ", clockSkew="
          + clockSkew
          + ", displayName="
          + displayName
          + "]";
    }
  }

  /**
   * Throttling of password sign-ins, per user name and per client address: after {@code
   * maxFailures} failures in a row, sign-in is refused (429) for {@code lockout}, doubling with
   * each further failure up to {@code longestLockout}; a success resets it.
   */
  public record SignIn(
      @DefaultValue("5") int maxFailures,
      @DefaultValue("30s") Duration lockout,
      @DefaultValue("15m") Duration longestLockout) {

    public SignIn {
      require(
          maxFailures >= 1 && maxFailures <= 1000,
          "pier.security.sign-in.max-failures must be between 1 and 1000, but is " + maxFailures);
      requirePositive(lockout, "pier.security.sign-in.lockout");
      requirePositive(longestLockout, "pier.security.sign-in.longest-lockout");
      require(
          longestLockout.compareTo(lockout) >= 0,
          "pier.security.sign-in.longest-lockout must be at least pier.security.sign-in.lockout");
    }
  }

  /** Where the audit trail's records are stored. */
  public enum AuditSinkKind {
    /** The control plane's own database, table {@code audit_record}. */
    POSTGRESQL,
    /** An Elasticsearch cluster, one index per period. */
    ELASTICSEARCH
  }

  /**
   * The audit trail: every administrative action and every inference through the gateway.
   *
   * @param sink {@code postgresql} (the control plane's own DataSource) or {@code elasticsearch}
   * @param elasticsearch the cluster used with {@code sink=elasticsearch}
   * @param journalDirectory where records wait on disk while the sink is away, with the chain
   *     heads: {@code <home>/audit-journal}
   * @param queueCapacity records waiting in memory for the writer thread
   * @param journalMaxSize the journal's disk budget
   * @param fullDisk with the budget full and the sink away: {@code block} refuses requests rather
   *     than serve them unaudited, {@code shed} drops inference records (never admin events)
   * @param node names this process's hash-chain streams ({@code <node>.admin}, {@code
   *     <node>.inference}); unset, derived at the first start from the host name and port and kept
   *     in the journal directory, so restarts on the same home continue the same chains
   * @param signingKey base64 of at least 32 secret bytes: every record's hash is then signed
   *     (HMAC-SHA256); never printed
   * @param defaultPolicy what an endpoint without a policy of its own records
   * @param intakeMaxSize the disk budget of the intake log ({@code <journal>/intake}), where the
   *     gateway's captures wait, memory-mapped, until their records are stored; when it is full,
   *     {@code full-disk} decides as for the journal
   * @param intakeForcePerRecord force every capture to disk before the request is answered (a power
   *     loss then loses none); by default the intake is forced once a second, and only a power
   *     loss, not a killed process, can lose that last second
   */
  public record Audit(
      @DefaultValue("postgresql") AuditSinkKind sink,
      @DefaultValue AuditElasticsearch elasticsearch,
      Path journalDirectory,
      @DefaultValue("10000") int queueCapacity,
      @DefaultValue("1GB") DataSize journalMaxSize,
      @DefaultValue("block") FullDiskPolicy fullDisk,
      String node,
      String signingKey,
      @DefaultValue AuditDefaultPolicy defaultPolicy,
      @DefaultValue("256MB") DataSize intakeMaxSize,
      @DefaultValue("false") boolean intakeForcePerRecord) {

    public Audit {
      require(sink != null, "pier.audit.sink must be postgresql or elasticsearch");
      require(elasticsearch != null, "pier.audit.elasticsearch must be set");
      require(
          sink != AuditSinkKind.ELASTICSEARCH || elasticsearch.url() != null,
          "pier.audit.elasticsearch.url must be set when pier.audit.sink is elasticsearch");
      require(
          queueCapacity >= 1 && queueCapacity <= 10_000_000,
          "pier.audit.queue-capacity must be between 1 and 10000000, but is " + queueCapacity);
      require(
          journalMaxSize != null && journalMaxSize.toBytes() >= JOURNAL_SEGMENT_BYTES,
          "pier.audit.journal-max-size must be at least "
              + (JOURNAL_SEGMENT_BYTES >> 20)
              + "MB (one journal segment), but is "
              + journalMaxSize);
      require(fullDisk != null, "pier.audit.full-disk must be block or shed");
      node = node == null || node.isBlank() ? null : node.strip();
      require(
          node == null || NODE.matcher(node).matches(),
          "pier.audit.node may hold letters, digits, '_', '.', ':' and '-' (at most 128, starting"
              + " with a letter or digit), but is "
              + node);
      signingKey = signingKey == null || signingKey.isBlank() ? null : signingKey.strip();
      if (signingKey != null) {
        byte[] secret;
        try {
          secret = java.util.Base64.getDecoder().decode(signingKey);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("pier.audit.signing-key must be base64");
        }
        require(
            secret.length >= 32,
            "pier.audit.signing-key must hold at least 32 bytes, but holds " + secret.length);
      }
      require(defaultPolicy != null, "pier.audit.default-policy must be set");
      require(
          intakeMaxSize != null && intakeMaxSize.toBytes() >= 2 * INTAKE_SEGMENT_BYTES,
          "pier.audit.intake-max-size must be at least "
              + (2 * INTAKE_SEGMENT_BYTES >> 20)
              + "MB (two intake segments), but is "
              + intakeMaxSize);
      journalDirectory = absolute(journalDirectory);
    }

    /** The defaults, with the journal directory left to the home. */
    public static Audit defaults() {
      return new Audit(
          AuditSinkKind.POSTGRESQL,
          new AuditElasticsearch(null, IndexPeriod.DAY, 0, "pier-audit", 1, Duration.ofSeconds(10)),
          null,
          10_000,
          DataSize.ofGigabytes(1),
          FullDiskPolicy.BLOCK,
          null,
          null,
          new AuditDefaultPolicy(100, true),
          DataSize.ofMegabytes(256),
          false);
    }

    /** The journal directory under {@code home} unless one is set. */
    Audit withHome(Path home) {
      return journalDirectory != null
          ? this
          : new Audit(
              sink,
              elasticsearch,
              home.resolve("audit-journal"),
              queueCapacity,
              journalMaxSize,
              fullDisk,
              node,
              signingKey,
              defaultPolicy,
              intakeMaxSize,
              intakeForcePerRecord);
    }

    /** The signing key's secret bytes, if one is set. */
    public java.util.Optional<byte[]> signingSecret() {
      return java.util.Optional.ofNullable(signingKey)
          .map(key -> java.util.Base64.getDecoder().decode(key));
    }

    /** Never prints the signing key. */
    @Override
    public String toString() {
      return "Audit[sink="
          + sink
          + ", elasticsearch="
          + elasticsearch
          + ", journalDirectory="
          + journalDirectory
          + ", queueCapacity="
          + queueCapacity
          + ", journalMaxSize="
          + journalMaxSize
          + ", fullDisk="
          + fullDisk
          + ", node="
          + node
          + ", signingKey="
          + (signingKey == null ? "unset" : "***")
          + ", defaultPolicy="
          + defaultPolicy
          + ", intakeMaxSize="
          + intakeMaxSize
          + ", intakeForcePerRecord="
          + intakeForcePerRecord
          + "]";
    }
  }

  /** The journal's segment size; its budget must hold at least one. */
  public static final long JOURNAL_SEGMENT_BYTES = 64L << 20;

  /** The intake log's segment size; its budget must hold at least two. */
  public static final long INTAKE_SEGMENT_BYTES = 32L << 20;

  private static final java.util.regex.Pattern NODE =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

  /**
   * The Elasticsearch audit sink.
   *
   * @param url the cluster's HTTP URL, e.g. {@code http://127.0.0.1:9200}
   * @param period one index per {@code day} or {@code month}
   * @param retentionPeriods how many periods (the current one included) are kept; older indices are
   *     deleted; 0 keeps everything
   * @param indexPrefix indices are {@code <prefix>-<period>}
   * @param replicas replicas per index (0 on a single node)
   * @param requestTimeout how long one request may take
   */
  public record AuditElasticsearch(
      URI url,
      @DefaultValue("day") IndexPeriod period,
      @DefaultValue("0") int retentionPeriods,
      @DefaultValue("pier-audit") String indexPrefix,
      @DefaultValue("1") int replicas,
      @DefaultValue("10s") Duration requestTimeout) {

    public AuditElasticsearch {
      if (url != null) {
        require(
            url.isAbsolute()
                && ("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                && url.getHost() != null,
            "pier.audit.elasticsearch.url must be an http or https URL, but is " + url);
      }
      require(period != null, "pier.audit.elasticsearch.period must be day or month");
      require(
          retentionPeriods >= 0,
          "pier.audit.elasticsearch.retention-periods must not be negative, but is "
              + retentionPeriods);
      require(
          indexPrefix != null && indexPrefix.matches("[a-z0-9][a-z0-9_.-]{0,200}"),
          "pier.audit.elasticsearch.index-prefix must be lower-case letters, digits, '_', '.' and"
              + " '-', but is "
              + indexPrefix);
      require(
          replicas >= 0,
          "pier.audit.elasticsearch.replicas must not be negative, but is " + replicas);
      requirePositive(requestTimeout, "pier.audit.elasticsearch.request-timeout");
    }
  }

  /**
   * The capture policy of endpoints without one of their own.
   *
   * @param samplePercent the share of requests recorded, 0 to 100
   * @param capturePayload whether inputs and outputs are stored
   */
  public record AuditDefaultPolicy(
      @DefaultValue("100") double samplePercent, @DefaultValue("true") boolean capturePayload) {

    public AuditDefaultPolicy {
      require(
          samplePercent >= 0 && samplePercent <= 100,
          "pier.audit.default-policy.sample-percent must be between 0 and 100, but is "
              + samplePercent);
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
