package dev.pier.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.pier.console.testing.Chromium;
import dev.pier.console.testing.PierProcess;
import dev.pier.console.testing.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real Chromium against the real executable: the first admin signs in with the
 * one-time password Pier printed and must choose a new one; a data scientist registers a model by
 * uploading its file, deploys it, and tries a prediction; a broken file is refused in the dialog
 * and leaves nothing behind; the servers page charts the local runtime live; an admin creates a
 * user whose roles hide what they may not do, and an API token that works once and never after its
 * revocation.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
  /** Placing a model on the local runtime: fetch, load, first heartbeat. */
  private static final double PLACED_MILLIS = 60_000;

  private static final String SETOSA =
      """
      {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 4],
                   "data": [5.1, 3.5, 1.4, 0.2]}]}
      """;

  @TempDir static Path pierHome;
  @TempDir static Path logs;

  private static PierProcess pier;
  private static boolean adminPasswordChanged;
  private static Chromium chromium;
  private BrowserContext context;
  private Page page;

  @BeforeAll
  static void start() throws Exception {
    pier = PierProcess.start(pierHome, logs.resolve("pier.log"));
    chromium = Chromium.launch();
  }

  @AfterAll
  static void stop() {
    Resources.closeAll(chromium, pier);
  }

  @BeforeEach
  void openPage() {
    context = chromium.browser().newContext();
    page = context.newPage();
  }

  /**
   * Signs the page in as the admin. The first time (the first test, by its order) the one-time
   * password from the ready block is all there is, and the console insists on a new one.
   */
  private void signIn() {
    signIn(
        "admin",
        pier.oneTimePassword().isPresent() && !adminPasswordChanged
            ? pier.oneTimePassword().get()
            : PierProcess.ADMIN_PASSWORD);
    if (!adminPasswordChanged) {
      assertThat(page).hasURL(Pattern.compile(".*/change-password$"));
      assertThat(page.locator("#password-change-required")).isVisible();
      page.locator("#current-password input").fill(pier.oneTimePassword().orElseThrow());
      page.locator("#new-password input").fill(PierProcess.ADMIN_PASSWORD);
      page.locator("#repeat-password input").fill(PierProcess.ADMIN_PASSWORD);
      page.locator("#change-password").click();
      assertThat(page.locator("#models")).isVisible();
      adminPasswordChanged = true;
    }
    if (pier.authorization() == null) {
      pier.signInAsAdmin();
    }
  }

  private void signIn(String username, String password) {
    page.navigate(pier.baseUrl() + "/login");
    page.getByLabel("Username").fill(username);
    page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(password);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
  }

  @Test
  @Order(1)
  void theFirstAdminSignsInWithThePrintedOneTimePasswordAndMustReplaceIt() {
    String oneTime = pier.oneTimePassword().orElseThrow(() -> new AssertionError(pier.log()));
    // Without signing in, the console shows the sign-in page.
    page.navigate(pier.baseUrl() + "/models");
    assertThat(page).hasURL(Pattern.compile(".*/login$"));
    // A wrong password is refused, and says so.
    signIn("admin", "not-the-password");
    assertThat(page.locator("#sign-in")).containsText("Wrong user name or password");
    // The printed one: the console insists on a new password first, whatever page is asked for.
    signIn("admin", oneTime);
    assertThat(page).hasURL(Pattern.compile(".*/change-password$"));
    page.navigate(pier.baseUrl() + "/models");
    assertThat(page).hasURL(Pattern.compile(".*/change-password$"));
    page.locator("#current-password input").fill(oneTime);
    page.locator("#new-password input").fill("short");
    page.locator("#repeat-password input").fill("short");
    page.locator("#change-password").click();
    assertThat(page.locator("#password-error")).containsText("at least 12 characters");
    page.locator("#new-password input").fill(PierProcess.ADMIN_PASSWORD);
    page.locator("#repeat-password input").fill(PierProcess.ADMIN_PASSWORD);
    page.locator("#change-password").click();
    assertThat(page.locator("#models")).isVisible(); // the catalog, at last
    adminPasswordChanged = true;
    // The one-time password is gone: neither printed file nor password works any more.
    assertThat(pierHome.resolve("initial-admin-password")).doesNotExist();
    context.clearCookies();
    signIn("admin", oneTime);
    assertThat(page.locator("#sign-in")).containsText("Wrong user name or password");
    signIn("admin", PierProcess.ADMIN_PASSWORD);
    assertThat(page.locator("#signed-in-user")).containsText("admin · ADMIN");
  }

  @AfterEach
  void closePage() {
    context.close();
  }

  @Test
  void aModelIsUploadedDeployedAndTriedFromTheBrowser() {
    signIn();
    page.navigate(pier.baseUrl() + "/models");
    page.locator("#register-model").click();
    page.locator("#model-name input").fill("iris");
    page.getByLabel("Tags").fill("flowers, demo");
    upload(examples("models/iris/1/model.onnx"));
    page.locator("#register").click();

    // The version page: the schema read from the uploaded file.
    assertThat(page).hasURL(Pattern.compile(".*/models/iris/versions/1$"));
    assertThat(page.locator("#inputs")).containsText("features");
    assertThat(page.locator("#outputs")).containsText("probabilities");
    assertThat(page.locator(".pier-facts")).containsText("virginica, setosa, versicolor");

    // The catalog finds it by a tag; a search that matches nothing shows nothing.
    page.navigate(pier.baseUrl() + "/models");
    page.locator("#model-search input").fill("flowers");
    assertThat(page.locator("#models")).containsText("iris");
    page.locator("#model-search input").fill("no-such-model");
    assertThat(page.locator("#models")).containsText("No model matches");

    // Deploy version 1 behind an endpoint and wait until it serves.
    page.navigate(pier.baseUrl() + "/models/iris/versions/1");
    page.locator("#deploy").click();
    page.locator("#endpoint-name input").fill("flowers");
    page.locator("#create-endpoint").click();
    assertThat(page).hasURL(Pattern.compile(".*/endpoints/flowers$"));
    assertThat(page.locator("#endpoint-summary"))
        .containsText(
            "Ready", new LocatorAssertions.ContainsTextOptions().setTimeout(PLACED_MILLIS));
    assertThat(page.locator("#placements")).containsText("READY");

    // Try it: the form built from the schema, then the raw JSON editor with a mistake in it.
    double[] setosa = {5.1, 3.5, 1.4, 0.2};
    for (int i = 0; i < setosa.length; i++) {
      page.getByLabel("features[" + i + "]").fill(Double.toString(setosa[i]));
    }
    page.locator("#send").click();
    assertThat(page.locator("#outcome")).containsText("200 OK");
    assertThat(page.locator("#prediction")).hasText("Prediction: setosa");
    assertThat(page.locator("#latency")).hasText(Pattern.compile("\\d+\\.\\d\\d ms"));
    assertThat(page.locator("#response")).containsText("\"model_name\" : \"flowers\"");

    page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("JSON")).click();
    Locator raw = page.locator("#raw-request textarea");
    assertThat(raw).hasValue(Pattern.compile("\"features\".*5\\.1", Pattern.DOTALL));
    raw.fill(raw.inputValue().replace("\"features\"", "\"petals\""));
    page.locator("#send").click();
    assertThat(page.locator("#outcome")).containsText("400");
    assertThat(page.locator("#response")).containsText("petals");

    // The server it runs on, with the model loaded.
    page.navigate(pier.baseUrl() + "/servers");
    assertThat(page.locator("#servers")).containsText("READY");
    assertThat(page.locator("#servers")).containsText("iris v1");
  }

  @Test
  void theServersPageChartsEachRuntimeLive() {
    signIn();
    page.navigate(pier.baseUrl() + "/servers");
    Locator inFlight = page.locator("#in-flight-chart");
    Locator memory = page.locator("#memory-chart");
    assertThat(inFlight).hasClass(Pattern.compile("\\bpier-chart\\b"));

    // The local runtime registers a little after Pier starts; then each poll adds a point.
    int points = pointsOf("#in-flight-chart", "local-1", 1, PLACED_MILLIS);
    assertThat(inFlight)
        .hasAttribute("data-series", Pattern.compile("^local-1$", Pattern.MULTILINE));
    assertThat(memory).hasAttribute("data-series", Pattern.compile("^local-1$", Pattern.MULTILINE));
    assertThat(pointsOf("#in-flight-chart", "local-1", points + 2, 30_000))
        .isGreaterThanOrEqualTo(points + 2);
    assertThat(pointsOf("#memory-chart", "local-1", 2, 30_000)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aCanaryIsStartedWithTheSliderComparedOnChartsPromotedAndRolledBack() throws Exception {
    signIn();
    // Set up through the REST API: the browser part is the rollout.
    assertThat(pier.post("/api/v1/models", "{\"name\": \"petals\"}").status()).isEqualTo(201);
    byte[] iris = Files.readAllBytes(examples("models/iris/1/model.onnx"));
    assertThat(pier.upload("/api/v1/models/petals/versions", iris).status()).isEqualTo(201);
    assertThat(pier.upload("/api/v1/models/petals/versions", iris).status()).isEqualTo(201);
    assertThat(
            pier.post(
                    "/api/v1/endpoints",
                    "{\"name\": \"petals\", \"model\": \"petals\", \"version\": 1}")
                .status())
        .isEqualTo(201);

    page.navigate(pier.baseUrl() + "/endpoints/petals");
    assertThat(page.locator("#endpoint-summary"))
        .containsText(
            "Ready", new LocatorAssertions.ContainsTextOptions().setTimeout(PLACED_MILLIS));
    page.locator("#canary-version input").fill("v2");
    page.locator("#canary-version input").press("Enter");
    page.locator("#canary-share input").fill("50");
    page.locator("#start-canary").click();
    Locator state = page.locator("#rollout-state");
    assertThat(state).containsText("v2 at 50 %");
    assertThat(state)
        .containsText(
            "SERVING", new LocatorAssertions.ContainsTextOptions().setTimeout(PLACED_MILLIS));

    // Traffic through the gateway shows up per variant on the charts.
    for (int i = 0; i < 200; i++) {
      assertThat(pier.post("/v2/models/petals/infer", SETOSA).status()).isEqualTo(200);
    }
    assertThat(pointsOf("#rate-chart", "canary", 1, 30_000)).isPositive();
    assertThat(pointsOf("#rate-chart", "stable", 1, 30_000)).isPositive();
    assertThat(page.locator("#class-chart"))
        .hasAttribute("data-series", Pattern.compile("stable[\\s\\S]*canary"));

    page.locator("#canary-share input").fill("80");
    assertThat(state).containsText("v2 at 80 %");

    page.locator("#promote").click();
    assertThat(state).containsText("Stablev2");
    assertThat(state).containsText("none");

    page.locator("#rollback").click();
    assertThat(state).containsText("Stablev1");
    assertThat(page.locator("#rollout-history")).containsText("PROMOTED");
    assertThat(page.locator("#rollout-history")).containsText("ROLLED_BACK");
    assertThat(page.locator("#rollout-history")).containsText("WEIGHT_CHANGED");

    // Progressive delivery from the console: a refusal is shown inline, then a valid start.
    page.locator("#canary-version input").fill("v2");
    page.locator("#canary-version input").press("Enter");
    page.locator("#progressive input").check();
    page.locator("#progressive-steps input").fill("50, 10, 100");
    page.locator("#start-canary").click();
    assertThat(page.locator("#rollout .pier-error")).containsText("must increase");
    page.locator("#progressive-steps input").fill("10, 100");
    page.locator("#start-canary").click();
    assertThat(state).containsText("step 1 of 2");
    assertThat(state).containsText("v2 at 10 %");
    page.locator("#abort").click();
    assertThat(state).containsText("Canarynone");
  }

  /**
   * Waits until the chart's ECharts instance (not just the element's attributes) holds at least
   * {@code atLeast} points in the named series, and returns how many it holds.
   */
  private int pointsOf(String chart, String series, int atLeast, double timeoutMillis) {
    Object count =
        page.waitForFunction(
                """
                ([selector, name, atLeast]) => {
                  const chart = document.querySelector(selector)?.chart;
                  const found = chart?.getOption().series.find((s) => s.name === name);
                  const points = found ? found.data.length : 0;
                  return points >= atLeast ? points : 0;
                }
                """,
                List.of(chart, series, atLeast),
                new Page.WaitForFunctionOptions().setTimeout(timeoutMillis))
            .jsonValue();
    return ((Number) count).intValue();
  }

  @Test
  void anAdminCreatesAViewerWhoseConsoleHidesWhatViewersMayNotDo() {
    signIn();
    page.navigate(pier.baseUrl() + "/users");
    page.locator("#new-user").click();
    page.locator("#new-username input").fill("vera");
    page.locator("#create-user").click();
    String oneTime = page.locator("#one-time-password input").inputValue();
    assertThat(oneTime).hasSizeGreaterThanOrEqualTo(12);
    page.locator("#one-time-password-done").click();
    assertThat(page.locator("#users")).containsText("vera");
    assertThat(page.locator("#users")).containsText("one-time password");

    // Vera signs in in a browser of her own: a new password first, then a console for viewers.
    BrowserContext vera = chromium.browser().newContext();
    try {
      Page her = vera.newPage();
      her.navigate(pier.baseUrl() + "/login");
      her.getByLabel("Username").fill("vera");
      her.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(oneTime);
      her.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
      assertThat(her).hasURL(Pattern.compile(".*/change-password$"));
      her.locator("#current-password input").fill(oneTime);
      her.locator("#new-password input").fill("a-viewer-password");
      her.locator("#repeat-password input").fill("a-viewer-password");
      her.locator("#change-password").click();
      assertThat(her.locator("#models")).isVisible();
      assertThat(her.locator("#signed-in-user")).containsText("vera · VIEWER");
      her.navigate(pier.baseUrl() + "/models");
      assertThat(her.locator("#models")).isVisible();
      assertThat(her.locator("#register-model")).isHidden();
      assertThat(her.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Users")))
          .hasCount(0);
      her.navigate(pier.baseUrl() + "/users");
      assertThat(her.locator("#users")).hasCount(0);
    } finally {
      vera.close();
    }
  }

  @Test
  void anApiTokenCreatedInTheConsoleWorksUntilItIsRevoked() {
    signIn();
    page.navigate(pier.baseUrl() + "/tokens");
    page.locator("#new-token").click();
    page.locator("#token-name input").fill("script");
    page.locator("#token-roles")
        .getByText("VIEWER", new Locator.GetByTextOptions().setExact(true))
        .click();
    page.locator("#create-token").click();
    String secret = page.locator("#token-secret input").inputValue();
    assertThat(secret).startsWith("pier_");
    page.locator("#token-secret-done").click();
    assertThat(page.locator("#tokens")).containsText("script");
    assertThat(page.locator("#tokens")).not().containsText(secret);

    assertThat(pier.get("/api/v1/models", "Bearer " + secret).status()).isEqualTo(200);
    assertThat(
            pier.post("/api/v1/models", "{\"name\": \"not-allowed\"}", "Bearer " + secret).status())
        .isEqualTo(403);

    page.locator("#revoke-script").click();
    assertThat(page.locator("#tokens")).containsText("revoked");
    assertThat(pier.get("/api/v1/models", "Bearer " + secret).status()).isEqualTo(401);
  }

  @Test
  void aBrokenFileIsRefusedInTheDialogAndNothingIsStored() {
    signIn();
    page.navigate(pier.baseUrl() + "/models");
    page.locator("#register-model").click();
    page.locator("#model-name input").fill("broken");
    upload(examples("models-broken/corrupt/1/model.onnx"));
    page.locator("#register").click();

    assertThat(page.locator(".pier-error")).containsText("ONNX");
    assertThat(page.locator("vaadin-dialog-overlay, vaadin-dialog")).not().hasCount(0);
    assertThat(pier.get("/api/v1/models/broken").status()).isEqualTo(404);
  }

  /**
   * An auditor finds a record by text, opens its chain fields, verifies the chains, narrows the
   * time range in UTC (from a link's instants), and exports in the background: progress until done,
   * then the file downloaded once, and the export itself in the trail.
   */
  @Test
  void anAuditorFindsARecordSeesItsChainVerifiesAndExports() throws Exception {
    signIn();
    assertThat(pier.post("/api/v1/models", "{\"name\": \"audited\"}").status()).isEqualTo(201);

    page.navigate(pier.baseUrl() + "/models");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit").setExact(true))
        .click();
    assertThat(page).hasURL(Pattern.compile(".*/audit$"));
    page.locator("#audit-text input").fill("audited");
    page.locator("#audit-search").click();
    Locator records = page.locator("#audit-records");
    assertThat(records).containsText("model.created");

    records.getByText("model.created").first().click();
    Locator detail = page.locator("#audit-record");
    assertThat(detail).containsText("model:audited");
    assertThat(detail).containsText("Previous hash");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Close")).click();

    page.locator("#audit-verify").click();
    assertThat(page.getByText(Pattern.compile("\\.admin: intact"))).isVisible();

    // The time range is UTC to the second, and links can carry it as instants.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    page.navigate(pier.baseUrl() + "/audit?text=audited&from=" + now.plus(Duration.ofMinutes(5)));
    assertThat(page.locator("#audit-from [slot=date-picker] input"))
        .hasValue(now.plus(Duration.ofMinutes(5)).toString().substring(0, 10));
    assertThat(page.locator("#audit-from [slot=time-picker] input"))
        .hasValue(now.plus(Duration.ofMinutes(5)).toString().substring(11, 19));
    assertThat(page.locator("#audit-records")).not().containsText("model.created");
    page.navigate(
        pier.baseUrl()
            + "/audit?text=audited&from="
            + now.minus(Duration.ofMinutes(10))
            + "&to="
            + now.plus(Duration.ofMinutes(5)));
    assertThat(page.locator("#audit-records")).containsText("model.created");
    assertThat(page.locator("#audit-records")).containsText("(UTC)");
    assertThat(page.locator("#audit-matched")).hasText(Pattern.compile("1 record matches .*Z\\)"));

    // The export runs in the background with its progress, then offers its file once.
    page.locator("#audit-export-start").click();
    assertThat(page.locator("#audit-export-status"))
        .hasText(Pattern.compile("Done: \\d+ records?\\."));
    assertThat(page.locator("#audit-export-progress")).isHidden();
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(Path.of("target", "audit-page.png"))
            .setFullPage(true));
    com.microsoft.playwright.Download csv =
        page.waitForDownload(() -> page.locator("#audit-export-download").click());
    assertThat(csv.suggestedFilename()).matches("pier-audit-\\d{8}T\\d{6}Z\\.csv");
    String exported = Files.readString(csv.path());
    assertThat(exported).startsWith("id,");
    assertThat(exported).contains("model:audited");
    long exportedRecords = exported.lines().count() - 1;
    assertThat(exportedRecords).isPositive();

    // Reading the trail out is in the trail too.
    PierProcess.until(
        "the export recorded as audit.exported",
        Duration.ofSeconds(30),
        () ->
            pier.get("/api/v1/audit/records?action=audit.exported").json().get("records").size()
                == 1,
        () -> pier.get("/api/v1/audit/status").toString());
  }

  /** Chooses a file in the dialog's upload field and waits until the server has all of it. */
  private void upload(Path file) {
    page.locator("#model-file input[type=file]").setInputFiles(file);
    assertThat(page.locator("#model-file vaadin-upload-file[complete]")).hasCount(1);
  }

  private static Path examples(String path) {
    return PierProcess.examples().resolve(path);
  }
}
