package dev.pier.controlplane;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.controlplane.testing.RunningControlPlane;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad setting stops the real application before it serves anything, with a message that names the
 * key ({@link PierPropertiesTest} covers every rule without starting the application).
 */
class StartupFailureIT {
  @TempDir Path pierHome;

  @Test
  void anInvalidSettingStopsStartupNamingTheKey() {
    assertThatThrownBy(
            () ->
                RunningControlPlane.start("pier.home=" + pierHome, "pier.max-upload-size=3GB")
                    .close())
        .hasStackTraceContaining("pier.max-upload-size");
  }

  @Test
  void anUnknownSettingStopsStartupNamingTheKey() {
    assertThatThrownBy(
            () ->
                RunningControlPlane.start("pier.home=" + pierHome, "pier.max-upload-sise=1MB")
                    .close())
        .hasStackTraceContaining("pier.max-upload-sise");
  }

  @Test
  void aMissingRuntimeJarStopsStartupNamingTheKeyAndTheBuildCommand() {
    assertThatThrownBy(
            () ->
                RunningControlPlane.start(
                        "pier.home=" + pierHome,
                        "pier.runtimes.local.count=1",
                        "pier.runtimes.local.jar=" + pierHome.resolve("no-such-runtime.jar"))
                    .close())
        .hasStackTraceContaining("pier.runtimes.local.jar")
        .hasStackTraceContaining("./mvnw package");
  }
}
