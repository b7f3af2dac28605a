package dev.pier.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.audit.dispatch.FullDiskPolicy;
import dev.pier.audit.elasticsearch.IndexPeriod;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

/** Pins the defaults and key names of {@code pier.*}, and that every bad value names its key. */
class PierPropertiesTest {
  private final ApplicationContextRunner context =
      new ApplicationContextRunner().withUserConfiguration(PropertiesOnly.class);

  @Test
  void defaults() {
    PierProperties properties = bind(Map.of());

    Path home = Path.of(System.getProperty("user.home"), ".pier").toAbsolutePath().normalize();
    assertThat(properties.home()).isEqualTo(home);
    assertThat(properties.artifactDirectory()).isEqualTo(home.resolve("artifacts"));
    assertThat(properties.embeddedDatabaseDirectory()).isEqualTo(home.resolve("postgres"));
    assertThat(properties.maxUploadSize()).isEqualTo(DataSize.ofGigabytes(1));
    assertThat(properties.fetch().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(properties.fetch().timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(properties.fetch().fileRoots()).isEmpty();
    assertThat(properties.embeddedDatabase().port()).isZero();
    assertThat(properties.embeddedDatabase().startupTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(properties.runtimes().registrationToken()).isNull();
    assertThat(properties.runtimes().lostAfter()).isEqualTo(Duration.ofSeconds(15));
    assertThat(properties.runtimes().local().count()).isEqualTo(1);
    assertThat(properties.runtimes().local().jar())
        .isEqualTo(Path.of("serving-runtime/target/pier-runtime.jar").toAbsolutePath());
    assertThat(properties.runtimes().artifactBaseUrl()).isNull();
    assertThat(properties.runtimes().authToken()).isNull();
    assertThat(properties.runtimes().tls()).isEqualTo(new PierProperties.Tls(null, null, null));
    assertThat(properties.runtimes().local().tls()).isFalse();
    assertThat(properties.runtimes().local().tlsCertificate()).isNull();
    assertThat(properties.runtimes().local().tlsPrivateKey()).isNull();
    assertThat(properties.runtimes().local().tlsClientCa()).isNull();
    assertThat(properties.runtimes().local().controlPlaneCa()).isNull();
    assertThat(properties.gateway().grpcPort()).isEqualTo(8081);

    PierProperties.Security security = properties.security();
    assertThat(security.initialAdminPassword()).isNull();
    assertThat(security.corsAllowedOrigins()).isEmpty();
    PierProperties.Oidc oidc = security.oidc();
    assertThat(oidc.enabled()).isFalse();
    assertThat(oidc.issuerUri()).isNull();
    assertThat(oidc.audience()).isNull();
    assertThat(oidc.consoleSignIn()).isFalse();
    assertThat(oidc.clientId()).isNull();
    assertThat(oidc.clientSecret()).isNull();
    assertThat(oidc.rolesClaim()).isEqualTo("roles");
    assertThat(oidc.usernameClaim()).isEqualTo("preferred_username");
    assertThat(oidc.roleMapping()).isEmpty();
    assertThat(oidc.defaultRoles()).isEmpty();
    assertThat(oidc.clockSkew()).isEqualTo(Duration.ofSeconds(60));
    assertThat(oidc.displayName()).isEqualTo("single sign-on");
    assertThat(security.signIn().maxFailures()).isEqualTo(5);
    assertThat(security.signIn().lockout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(security.signIn().longestLockout()).isEqualTo(Duration.ofMinutes(15));
    PierProperties.Audit audit = properties.audit();
    assertThat(audit.sink()).isEqualTo(PierProperties.AuditSinkKind.POSTGRESQL);
    assertThat(audit.journalDirectory()).isEqualTo(home.resolve("audit-journal"));
    assertThat(audit.queueCapacity()).isEqualTo(10_000);
    assertThat(audit.journalMaxSize()).isEqualTo(DataSize.ofGigabytes(1));
    assertThat(audit.fullDisk()).isEqualTo(FullDiskPolicy.BLOCK);
    assertThat(audit.node()).isNull();
    assertThat(audit.signingKey()).isNull();
    assertThat(audit.signingSecret()).isEmpty();
    assertThat(audit.defaultPolicy().samplePercent()).isEqualTo(100);
    assertThat(audit.defaultPolicy().capturePayload()).isTrue();
    assertThat(audit.intakeMaxSize()).isEqualTo(DataSize.ofMegabytes(256));
    assertThat(audit.intakeForcePerRecord()).isFalse();
    assertThat(audit.elasticsearch().url()).isNull();
    assertThat(audit.elasticsearch().period()).isEqualTo(IndexPeriod.DAY);
    assertThat(audit.elasticsearch().retentionPeriods()).isZero();
    assertThat(audit.elasticsearch().indexPrefix()).isEqualTo("pier-audit");
    assertThat(audit.elasticsearch().replicas()).isEqualTo(1);
    assertThat(audit.elasticsearch().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everyKey() {
    PierProperties properties =
        bind(
            Map.ofEntries(
                Map.entry("pier.home", "/srv/pier"),
                Map.entry("pier.artifact-directory", "/data/artifacts"),
                Map.entry("pier.max-upload-size", "256MB"),
                Map.entry("pier.fetch.connect-timeout", "3s"),
                Map.entry("pier.fetch.timeout", "2m"),
                Map.entry("pier.fetch.file-roots", "/models,/srv/../shared"),
                Map.entry("pier.embedded-database.port", "54321"),
                Map.entry("pier.embedded-database.startup-timeout", "90s"),
                Map.entry("pier.runtimes.registration-token", "t0ken"),
                Map.entry("pier.runtimes.lost-after", "40s"),
                Map.entry("pier.runtimes.local.count", "3"),
                Map.entry("pier.runtimes.local.jar", "/opt/pier/pier-runtime.jar"),
                Map.entry("pier.runtimes.artifact-base-url", "https://pier.example.com:8443/"),
                Map.entry("pier.runtimes.auth-token", "runtime-t0ken"),
                Map.entry("pier.runtimes.tls.trust-certificates", "/etc/pier/runtimes-ca.pem"),
                Map.entry("pier.runtimes.tls.client-certificate", "/etc/pier/gateway.pem"),
                Map.entry("pier.runtimes.tls.client-private-key", "/etc/pier/gateway-key.pem"),
                Map.entry("pier.runtimes.local.tls-certificate", "/etc/pier/local.pem"),
                Map.entry("pier.runtimes.local.tls-private-key", "/etc/pier/local-key.pem"),
                Map.entry("pier.runtimes.local.tls-client-ca", "/etc/pier/gateway-ca.pem"),
                Map.entry("pier.runtimes.local.control-plane-ca", "/etc/pier/pier-ca.pem"),
                Map.entry("pier.gateway.grpc-port", "9081"),
                Map.entry("pier.security.initial-admin-password", "first-password-of-the-admin"),
                Map.entry("pier.security.oidc.issuer-uri", "https://login.example.com/realms/pier"),
                Map.entry("pier.security.oidc.audience", "pier"),
                Map.entry("pier.security.oidc.client-id", "pier-console"),
                Map.entry("pier.security.oidc.client-secret", "console-secret"),
                Map.entry("pier.security.oidc.roles-claim", "realm_access.roles"),
                Map.entry("pier.security.oidc.username-claim", "email"),
                Map.entry("pier.security.oidc.role-mapping.pier-admins", "ADMIN"),
                Map.entry("pier.security.oidc.role-mapping.ml-team", "data-scientist"),
                Map.entry("pier.security.oidc.default-roles", "VIEWER"),
                Map.entry("pier.security.oidc.clock-skew", "5s"),
                Map.entry("pier.security.oidc.display-name", "Company sign-in"),
                Map.entry("pier.security.sign-in.max-failures", "10"),
                Map.entry("pier.security.sign-in.lockout", "1m"),
                Map.entry("pier.security.sign-in.longest-lockout", "1h"),
                Map.entry(
                    "pier.security.cors-allowed-origins",
                    "https://app.example.com,http://localhost:3000"),
                Map.entry("pier.audit.sink", "elasticsearch"),
                Map.entry("pier.audit.elasticsearch.url", "http://search.example.com:9200"),
                Map.entry("pier.audit.elasticsearch.period", "month"),
                Map.entry("pier.audit.elasticsearch.retention-periods", "24"),
                Map.entry("pier.audit.elasticsearch.index-prefix", "trail"),
                Map.entry("pier.audit.elasticsearch.replicas", "0"),
                Map.entry("pier.audit.elasticsearch.request-timeout", "30s"),
                Map.entry("pier.audit.journal-directory", "/var/spool/pier-audit"),
                Map.entry("pier.audit.queue-capacity", "500"),
                Map.entry("pier.audit.journal-max-size", "10GB"),
                Map.entry("pier.audit.full-disk", "shed"),
                Map.entry("pier.audit.node", "pier-1"),
                Map.entry("pier.audit.signing-key", SIGNING_KEY),
                Map.entry("pier.audit.default-policy.sample-percent", "12.5"),
                Map.entry("pier.audit.default-policy.capture-payload", "false")));

    assertThat(properties.home()).isEqualTo(Path.of("/srv/pier"));
    assertThat(properties.artifactDirectory()).isEqualTo(Path.of("/data/artifacts"));
    assertThat(properties.embeddedDatabaseDirectory()).isEqualTo(Path.of("/srv/pier/postgres"));
    assertThat(properties.maxUploadSize()).isEqualTo(DataSize.ofMegabytes(256));
    assertThat(properties.fetch().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(properties.fetch().timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(properties.fetch().fileRoots())
        .containsExactly(Path.of("/models"), Path.of("/shared"));
    assertThat(properties.embeddedDatabase().port()).isEqualTo(54321);
    assertThat(properties.embeddedDatabase().startupTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(properties.runtimes().registrationToken()).isEqualTo("t0ken");
    assertThat(properties.runtimes().lostAfter()).isEqualTo(Duration.ofSeconds(40));
    assertThat(properties.runtimes().local().count()).isEqualTo(3);
    assertThat(properties.runtimes().local().jar())
        .isEqualTo(Path.of("/opt/pier/pier-runtime.jar"));
    assertThat(properties.runtimes().artifactBaseUrl())
        .isEqualTo(URI.create("https://pier.example.com:8443"));
    assertThat(properties.runtimes().authToken()).isEqualTo("runtime-t0ken");
    assertThat(properties.runtimes().tls())
        .isEqualTo(
            new PierProperties.Tls(
                Path.of("/etc/pier/runtimes-ca.pem"),
                Path.of("/etc/pier/gateway.pem"),
                Path.of("/etc/pier/gateway-key.pem")));
    PierProperties.Local local = properties.runtimes().local();
    assertThat(local.tls()).isTrue();
    assertThat(local.tlsCertificate()).isEqualTo(Path.of("/etc/pier/local.pem"));
    assertThat(local.tlsPrivateKey()).isEqualTo(Path.of("/etc/pier/local-key.pem"));
    assertThat(local.tlsClientCa()).isEqualTo(Path.of("/etc/pier/gateway-ca.pem"));
    assertThat(local.controlPlaneCa()).isEqualTo(Path.of("/etc/pier/pier-ca.pem"));
    assertThat(properties.gateway().grpcPort()).isEqualTo(9081);
    PierProperties.Security security = properties.security();
    assertThat(security.initialAdminPassword()).isEqualTo("first-password-of-the-admin");
    assertThat(security.corsAllowedOrigins())
        .containsExactly("https://app.example.com", "http://localhost:3000");
    PierProperties.Oidc oidc = security.oidc();
    assertThat(oidc.enabled()).isTrue();
    assertThat(oidc.issuerUri()).isEqualTo(URI.create("https://login.example.com/realms/pier"));
    assertThat(oidc.audience()).isEqualTo("pier");
    assertThat(oidc.consoleSignIn()).isTrue();
    assertThat(oidc.clientId()).isEqualTo("pier-console");
    assertThat(oidc.clientSecret()).isEqualTo("console-secret");
    assertThat(oidc.rolesClaim()).isEqualTo("realm_access.roles");
    assertThat(oidc.usernameClaim()).isEqualTo("email");
    assertThat(oidc.roleMapping())
        .containsOnly(Map.entry("pier-admins", "ADMIN"), Map.entry("ml-team", "data-scientist"));
    assertThat(oidc.defaultRoles()).containsExactly("VIEWER");
    assertThat(oidc.clockSkew()).isEqualTo(Duration.ofSeconds(5));
    assertThat(oidc.displayName()).isEqualTo("Company sign-in");
    assertThat(security.signIn().maxFailures()).isEqualTo(10);
    assertThat(security.signIn().lockout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(security.signIn().longestLockout()).isEqualTo(Duration.ofHours(1));
    PierProperties.Audit audit = properties.audit();
    assertThat(audit.sink()).isEqualTo(PierProperties.AuditSinkKind.ELASTICSEARCH);
    assertThat(audit.elasticsearch().url()).isEqualTo(URI.create("http://search.example.com:9200"));
    assertThat(audit.elasticsearch().period()).isEqualTo(IndexPeriod.MONTH);
    assertThat(audit.elasticsearch().retentionPeriods()).isEqualTo(24);
    assertThat(audit.elasticsearch().indexPrefix()).isEqualTo("trail");
    assertThat(audit.elasticsearch().replicas()).isZero();
    assertThat(audit.elasticsearch().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(audit.journalDirectory()).isEqualTo(Path.of("/var/spool/pier-audit"));
    assertThat(audit.queueCapacity()).isEqualTo(500);
    assertThat(audit.journalMaxSize()).isEqualTo(DataSize.ofGigabytes(10));
    assertThat(audit.fullDisk()).isEqualTo(FullDiskPolicy.SHED);
    assertThat(audit.node()).isEqualTo("pier-1");
    assertThat(audit.signingSecret()).hasValueSatisfying(secret -> assertThat(secret).hasSize(32));
    assertThat(audit.toString()).doesNotContain(SIGNING_KEY);
    assertThat(audit.defaultPolicy().samplePercent()).isEqualTo(12.5);
    assertThat(audit.defaultPolicy().capturePayload()).isFalse();
  }

  @Test
  void secretsAreNeverPrinted() {
    PierProperties properties =
        bind(
            Map.of(
                "pier.runtimes.registration-token", "registration-secret",
                "pier.security.initial-admin-password", "initial-admin-secret",
                "pier.security.oidc.issuer-uri", "https://login.example.com",
                "pier.security.oidc.audience", "pier",
                "pier.security.oidc.client-id", "pier-console",
                "pier.security.oidc.client-secret", "console-client-secret"));

    assertThat(properties.toString())
        .doesNotContain("registration-secret")
        .doesNotContain("initial-admin-secret")
        .doesNotContain("console-client-secret")
        .contains("***")
        .contains("https://login.example.com");
  }

  @Test
  void anIssuerWithoutAnAudienceFailsNamingTheAudience() {
    context
        .withPropertyValues("pier.security.oidc.issuer-uri=https://login.example.com")
        .run(
            started ->
                assertThat(started.getStartupFailure())
                    .isNotNull()
                    .hasStackTraceContaining("pier.security.oidc.audience"));
  }

  @Test
  void theAuditJournalFollowsTheHome() {
    assertThat(bind(Map.of("pier.home", "/srv/pier")).audit().journalDirectory())
        .isEqualTo(Path.of("/srv/pier/audit-journal"));
  }

  @Test
  void theArtifactDirectoryFollowsTheHome() {
    assertThat(bind(Map.of("pier.home", "/srv/pier")).artifactDirectory())
        .isEqualTo(Path.of("/srv/pier/artifacts"));
  }

  @ParameterizedTest
  @CsvSource({
    "pier.max-upload-size, 0B",
    "pier.max-upload-size, -1MB",
    "pier.max-upload-size, 2GB",
    "pier.max-upload-size, lots",
    "pier.fetch.connect-timeout, 0s",
    "pier.fetch.timeout, -5s",
    "pier.fetch.timeout, soon",
    "pier.embedded-database.port, 65536",
    "pier.embedded-database.port, -1",
    "pier.embedded-database.startup-timeout, 0s",
    "pier.runtimes.lost-after, 0s",
    "pier.runtimes.local.count, -1",
    "pier.runtimes.local.count, 65",
    "pier.runtimes.artifact-base-url, ftp://pier.example.com",
    "pier.runtimes.artifact-base-url, pier.example.com:8080",
    "pier.runtimes.artifact-base-url, http://pier.example.com?x=1",
    "pier.runtimes.local.no-such-setting, 1",
    "pier.no-such-setting, 1",
    "pier.fetch.no-such-setting, 1",
    "pier.gateway.grpc-port, 65536",
    "pier.gateway.grpc-port, -1",
    "pier.gateway.grpc-port, http",
    "pier.gateway.no-such-setting, 1",
    "pier.runtimes.auth-token, has space",
    "pier.runtimes.tls.client-certificate, /etc/pier/gateway.pem",
    "pier.runtimes.tls.client-private-key, /etc/pier/gateway-key.pem",
    "pier.runtimes.tls.no-such-setting, 1",
    "pier.runtimes.local.tls-certificate, /etc/pier/local.pem",
    "pier.runtimes.local.tls-private-key, /etc/pier/local-key.pem",
    "pier.security.initial-admin-password, too-short",
    "pier.security.oidc.issuer-uri, ftp://login.example.com",
    "pier.security.oidc.issuer-uri, login.example.com",
    "pier.security.oidc.client-id, pier-console",
    "pier.security.oidc.role-mapping.pier-admins, SUPERUSER",
    "pier.security.oidc.default-roles, ROOT",
    "pier.security.oidc.clock-skew, -1s",
    "pier.security.oidc.clock-skew, a-while",
    "pier.security.oidc.no-such-setting, 1",
    "pier.security.sign-in.max-failures, 0",
    "pier.security.sign-in.max-failures, 1001",
    "pier.security.sign-in.lockout, 0s",
    "pier.security.sign-in.lockout, 1h",
    "pier.security.sign-in.longest-lockout, -1m",
    "pier.security.sign-in.no-such-setting, 1",
    "pier.security.cors-allowed-origins, https://app.example.com/path",
    "pier.security.cors-allowed-origins, app.example.com",
    "pier.security.no-such-setting, 1",
    "pier.audit.sink, kafka",
    "pier.audit.sink, elasticsearch",
    "pier.audit.elasticsearch.url, ftp://search.example.com",
    "pier.audit.elasticsearch.period, week",
    "pier.audit.elasticsearch.retention-periods, -1",
    "pier.audit.elasticsearch.index-prefix, Upper",
    "pier.audit.queue-capacity, 0",
    "pier.audit.journal-max-size, 1MB",
    "pier.audit.full-disk, panic",
    "pier.audit.node, has space",
    "pier.audit.signing-key, c2hvcnQ=",
    "pier.audit.signing-key, not*base64",
    "pier.audit.default-policy.sample-percent, 101",
    "pier.audit.no-such-setting, 1",
  })
  void anInvalidOrUnknownSettingFailsNamingTheKey(String key, String value) {
    context
        .withPropertyValues(key + "=" + value)
        .run(
            started ->
                assertThat(started.getStartupFailure()).isNotNull().hasStackTraceContaining(key));
  }

  @Test
  void validSettingsStart() {
    context
        .withPropertyValues(
            "pier.max-upload-size=2147483647B",
            "pier.embedded-database.port=65535",
            "pier.gateway.grpc-port=0",
            "pier.security.oidc.issuer-uri=http://localhost:9000",
            "pier.security.oidc.audience=pier",
            "pier.security.oidc.clock-skew=0s",
            "pier.security.sign-in.max-failures=1",
            "pier.security.cors-allowed-origins=*")
        .run(started -> assertThat(started).hasNotFailed().hasSingleBean(PierProperties.class));
  }

  /** 32 bytes, base64. */
  private static final String SIGNING_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  private static PierProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("pier", PierProperties.class);
  }

  /** Not a {@code @Configuration}, so the control plane's component scan never picks it up. */
  @EnableConfigurationProperties(PierProperties.class)
  static class PropertiesOnly {}
}
