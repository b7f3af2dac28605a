package dev.pier.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.pier.console.testing.Chromium;
import dev.pier.console.testing.PierProcess;
import dev.pier.console.testing.Resources;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executable with its audit sink on an Elasticsearch that is not there (a port nobody listens
 * on): the control plane starts and keeps recording into its journal, the API answers 503, and the
 * console's Audit page says which sink cannot be reached — for the search, the verification and the
 * export — instead of showing an error page.
 */
class AuditSinkUnavailableIT {
  private static final String UNREACHABLE = "audit sink (Elasticsearch) cannot be reached";

  @TempDir static Path pierHome;
  @TempDir static Path logs;

  private static PierProcess pier;
  private static Chromium chromium;

  @BeforeAll
  static void start() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    pier =
        PierProcess.start(
            pierHome,
            logs.resolve("pier.log"),
            "--pier.audit.sink=elasticsearch",
            "--pier.audit.elasticsearch.url=http://127.0.0.1:" + closedPort);
    pier.signInAsAdmin();
    chromium = Chromium.launch();
  }

  @AfterAll
  static void stop() {
    Resources.closeAll(chromium, pier);
  }

  @Test
  void theAuditPageNamesTheSinkThatCannotBeReached() {
    PierProcess.Response refused = pier.get("/api/v1/audit/records");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json().get("detail").asString()).contains(UNREACHABLE);

    try (BrowserContext context = chromium.browser().newContext()) {
      Page page = context.newPage();
      page.navigate(pier.baseUrl() + "/login");
      page.getByLabel("Username").fill("admin");
      page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true))
          .fill(PierProcess.ADMIN_PASSWORD);
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
      assertThat(page.locator("#models")).isVisible();

      page.navigate(pier.baseUrl() + "/audit");
      assertThat(
              page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Audit trail")))
          .isVisible();
      Locator alert =
          page.getByRole(AriaRole.ALERT)
              .filter(new Locator.FilterOptions().setHasText(UNREACHABLE));
      assertThat(alert).isVisible();
      assertThat(alert).containsText("Try again shortly");

      page.locator("#audit-verify").click();
      assertThat(alert).containsText("cannot be verified");

      page.locator("#audit-export-start").click();
      assertThat(page.locator("#audit-export-status")).hasText("Export failed.");
      assertThat(alert).containsText("cannot be exported");
      assertThat(page.locator("#audit-export-download")).hasCount(0);
    }
  }
}
