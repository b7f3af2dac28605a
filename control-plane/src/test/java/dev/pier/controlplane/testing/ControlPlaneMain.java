package dev.pier.controlplane.testing;

import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * {@link ControlPlaneTestApplication} as a process of its own, started by tests that kill the
 * control plane ({@code ControlPlaneKillIT}) on the test class path, with {@code --key=value}
 * arguments.
 */
public final class ControlPlaneMain {
  private ControlPlaneMain() {}

  public static void main(String[] args) {
    new SpringApplicationBuilder(ControlPlaneTestApplication.class)
        .main(ControlPlaneTestApplication.class)
        .run(args);
  }
}
