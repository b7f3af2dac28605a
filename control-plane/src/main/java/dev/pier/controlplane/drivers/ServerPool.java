package dev.pier.controlplane.drivers;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A set of interchangeable runtime servers a driver keeps running. Server names are derived from
 * the pool's name ({@code <pool>-1}, {@code <pool>-2}...), so a restarted server registers under
 * its old name and keeps its id.
 *
 * @param name the pool's name, a valid runtime server name prefix
 * @param replicas how many servers to run
 * @param capabilities what its servers report, e.g. {@code onnx}, {@code cpu}
 */
public record ServerPool(String name, int replicas, List<String> capabilities) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,100}");

  public ServerPool {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid server pool name '" + name + "'");
    }
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must not be negative, but is " + replicas);
    }
    capabilities = List.copyOf(capabilities);
  }

  /** The name of the pool's {@code index}th server, counting from 1. */
  public String serverName(int index) {
    return name + "-" + index;
  }
}
