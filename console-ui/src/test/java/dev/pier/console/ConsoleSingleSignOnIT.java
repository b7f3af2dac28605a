package dev.pier.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.pier.console.testing.Chromium;
import dev.pier.console.testing.PierProcess;
import dev.pier.console.testing.Resources;
import dev.pier.testing.oidc.OidcProvider;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single sign-on to the console through a real OIDC provider, in a real Chromium against the real
 * executable: the authorization code flow with PKCE, the provider's own sign-in page, and the roles
 * the provider gives the user deciding what the console offers.
 */
class ConsoleSingleSignOnIT {
  @TempDir static Path pierHome;
  @TempDir static Path logs;

  private static OidcProvider provider;
  private static PierProcess pier;
  private static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    provider = OidcProvider.start();
    pier =
        PierProcess.start(
            pierHome,
            logs.resolve("pier.log"),
            "--pier.security.oidc.issuer-uri=" + provider.issuer(),
            "--pier.security.oidc.audience=" + OidcProvider.AUDIENCE,
            "--pier.security.oidc.client-id=" + OidcProvider.CONSOLE_CLIENT,
            "--pier.security.oidc.display-name=the test provider",
            "--pier.runtimes.local.count=0");
    chromium = Chromium.launch();
  }

  @AfterAll
  static void stop() {
    Resources.closeAll(chromium, pier, provider);
  }

  @Test
  void aUserOfTheProviderSignsInThroughItAndSeesWhatTheirRolesAllow() {
    BrowserContext context = chromium.browser().newContext();
    try {
      Page page = context.newPage();
      // 127.0.0.1 for Pier and localhost for the provider: two hosts, so two cookie jars.
      String console = pier.baseUrl().replace("localhost", "127.0.0.1");
      page.navigate(console + "/models");
      assertThat(page).hasURL(Pattern.compile(".*/login$"));
      page.locator("#sign-in-oidc").click();

      // The provider's own sign-in page, not Pier's.
      page.waitForURL(provider.issuer() + "/login");
      page.getByLabel("Username").fill(OidcProvider.USER);
      page.getByLabel("Password").fill(OidcProvider.USER_PASSWORD);
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();

      // Back in the console, signed in as the provider's user with the provider's roles.
      page.waitForURL(console + "/**");
      try {
        assertThat(page.locator("#signed-in-user")).containsText(OidcProvider.USER + " · ANALYST");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nPier's log:\n" + pier.log(), e);
      }
      page.navigate(console + "/models");
      assertThat(page.locator("#models")).isVisible();
      // An analyst may look and try, not register models or manage users.
      assertThat(page.locator("#register-model")).isHidden();
      assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Users")))
          .hasCount(0);
    } finally {
      context.close();
    }
  }
}
