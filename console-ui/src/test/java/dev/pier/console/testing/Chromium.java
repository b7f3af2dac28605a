package dev.pier.console.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A headless Chromium driven by Playwright: the machine's own browser ({@code /usr/bin/chromium},
 * or {@code PIER_TEST_CHROMIUM}), never one Playwright downloads.
 */
public final class Chromium implements AutoCloseable {
  private static final Path DEFAULT = Path.of("/usr/bin/chromium");

  /**
   * Without these Chromium reaches out to the network in the background and floods a closed one.
   */
  private static final List<String> FLAGS =
      List.of(
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync");

  private final Playwright playwright;
  private final Browser browser;

  private Chromium(Playwright playwright, Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  public static Chromium launch() {
    String configured = System.getenv("PIER_TEST_CHROMIUM");
    Path executable = configured == null || configured.isBlank() ? DEFAULT : Path.of(configured);
    if (!Files.isExecutable(executable)) {
      throw new IllegalStateException(
          "browser tests need Chromium at "
              + executable
              + " (apt-get install chromium, or set PIER_TEST_CHROMIUM)");
    }
    Playwright playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
      Browser browser =
          playwright
              .chromium()
              .launch(
                  new BrowserType.LaunchOptions()
                      .setExecutablePath(executable)
                      .setHeadless(true)
                      .setArgs(FLAGS));
      return new Chromium(playwright, browser);
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  public Browser browser() {
    return browser;
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
