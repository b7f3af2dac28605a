package dev.pier.controlplane.testing;

import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A control plane started and stopped by the test itself, for tests about the lifecycle (restart,
 * external database, startup failures) that {@code @SpringBootTest} would hide.
 */
public final class RunningControlPlane implements AutoCloseable {
  private final ConfigurableApplicationContext context;
  private ApiClient admin;

  private RunningControlPlane(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /**
   * Starts on free ports (HTTP and the gateway's gRPC) with the given {@code key=value} properties.
   * No local runtimes unless the properties ask for them ({@code pier.runtimes.local.count}): most
   * tests are about other things, and runtime processes cost seconds.
   */
  public static RunningControlPlane start(String... properties) {
    return new RunningControlPlane(
        new SpringApplicationBuilder(ControlPlaneTestApplication.class)
            .main(ControlPlaneTestApplication.class)
            .properties(
                "server.port=0",
                "pier.gateway.grpc-port=0",
                "spring.main.banner-mode=off",
                "pier.runtimes.local.count=0",
                Administrator.INITIAL_PASSWORD_SETTING)
            .properties(properties)
            .run());
  }

  /**
   * A control plane on {@code pierHome} with one local runtime child process, which is declared
   * LOST {@code lostAfter} after its last heartbeat; runtimes started by the test register with
   * {@code registrationToken}.
   */
  public static RunningControlPlane withLocalRuntime(
      Path pierHome, String lostAfter, String registrationToken) {
    return start(
        "pier.home=" + pierHome,
        "pier.runtimes.local.count=1",
        "pier.runtimes.local.jar=" + RuntimeJar.path(),
        "pier.runtimes.lost-after=" + lostAfter,
        "pier.runtimes.registration-token=" + registrationToken);
  }

  /** A client signed in as the administrator (with an ADMIN API token). */
  public synchronized ApiClient api() {
    if (admin == null) {
      admin = Administrator.signIn(anonymousApi());
    }
    return admin;
  }

  /** A client that sends no credentials. */
  public ApiClient anonymousApi() {
    return new ApiClient(port());
  }

  /** A client for a control plane that serves HTTPS ({@code server.ssl.*}), signed in as admin. */
  public ApiClient api(SSLContext tls) {
    return Administrator.signIn(new ApiClient(port(), tls));
  }

  private int port() {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  public boolean hasBean(Class<?> type) {
    return context.getBeanNamesForType(type).length > 0;
  }

  @Override
  public void close() {
    context.close();
  }
}
