package dev.pier.controlplane.gateway;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the gateway says about itself as an OIP server ({@code GET /v2}, gRPC {@code
 * ServerMetadata}): its name, the control plane's version and the protocol extensions it serves.
 */
final class GatewayServerMetadata {
  static final String NAME = "pier-gateway";

  /**
   * The version in the control plane jar's manifest, or {@code development} when run from classes.
   */
  static final String VERSION = version();

  /** The protocol's health probes; the runtime's model repository is not offered on the gateway. */
  static final List<String> EXTENSIONS = List.of("health");

  /** The REST body: names and versions are plain ASCII, so nothing needs escaping. */
  static final byte[] JSON =
      ("{\"name\":\""
              + NAME
              + "\",\"version\":\""
              + VERSION
              + "\",\"extensions\":[\""
              + String.join("\",\"", EXTENSIONS)
              + "\"]}")
          .getBytes(StandardCharsets.UTF_8);

  private GatewayServerMetadata() {}

  private static String version() {
    String implementation = GatewayServerMetadata.class.getPackage().getImplementationVersion();
    return implementation == null ? "development" : implementation;
  }
}
