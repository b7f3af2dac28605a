package dev.pier.runtime.model;

import dev.pier.runtime.json.JsonTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model's serving configuration, read from the optional {@code <model>/config.json}. Every key is
 * checked: an unknown key or a bad value fails the model's load with a reason naming the key,
 * rather than being ignored.
 *
 * @param batching dynamic batching, or empty to run each request on its own
 * @param maxQueueSize requests that may wait or run at once before new ones get 503 Overloaded
 * @param instances worker threads running batches (only with batching)
 * @param intraOpThreads ONNX Runtime intra-op threads
 * @param interOpThreads ONNX Runtime inter-op threads
 * @param optimizationLevel ONNX Runtime graph optimisation level
 * @param executionProvider where the model runs
 * @param cudaDevice CUDA device ordinal when the execution provider is CUDA
 * @param memoryBytes the operator's memory estimate for this model; empty to use the artifact size
 * @param labels class names for classifier outputs, by index
 * @param versionPolicy which version directories to load
 */
public record ModelConfig(
    Optional<Batching> batching,
    int maxQueueSize,
    int instances,
    int intraOpThreads,
    int interOpThreads,
    OptimizationLevel optimizationLevel,
    ExecutionProvider executionProvider,
    int cudaDevice,
    Optional<Long> memoryBytes,
    List<String> labels,
    VersionPolicy versionPolicy) {

  /**
   * Dynamic batching: requests are stacked along the first dimension up to {@code maxBatchSize}
   * rows, waiting at most {@code maxQueueDelay} for more to arrive.
   */
  public record Batching(int maxBatchSize, Duration maxQueueDelay) {}

  public enum OptimizationLevel {
    NONE,
    BASIC,
    EXTENDED,
    ALL
  }

  public enum ExecutionProvider {
    CPU,
    CUDA
  }

  /** Which numeric version directories of a model are loaded. */
  public sealed interface VersionPolicy {
    /** Keeps the versions to load from those on disk, sorted ascending. */
    List<Long> select(List<Long> available);
  }

  public record AllVersions() implements VersionPolicy {
    @Override
    public List<Long> select(List<Long> available) {
      return available;
    }
  }

  public record LatestVersion() implements VersionPolicy {
    @Override
    public List<Long> select(List<Long> available) {
      return available.isEmpty() ? available : List.of(available.getLast());
    }
  }

  public record SpecificVersions(List<Long> versions) implements VersionPolicy {
    @Override
    public List<Long> select(List<Long> available) {
      return available.stream().filter(versions::contains).toList();
    }
  }

  /** Process-wide defaults a model's config.json may override. */
  public record Defaults(
      int maxQueueSize,
      int intraOpThreads,
      int interOpThreads,
      ExecutionProvider executionProvider) {
    public static final Defaults STANDARD = new Defaults(1024, 1, 1, ExecutionProvider.CPU);
  }

  private static final Set<String> KEYS =
      Set.of(
          "dynamic_batching",
          "max_queue_size",
          "instances",
          "intra_op_threads",
          "inter_op_threads",
          "optimization_level",
          "execution_provider",
          "cuda_device",
          "memory_bytes",
          "labels",
          "version_policy");

  public static ModelConfig defaults(Defaults defaults) {
    return new ModelConfig(
        Optional.empty(),
        defaults.maxQueueSize(),
        1,
        defaults.intraOpThreads(),
        defaults.interOpThreads(),
        OptimizationLevel.ALL,
        defaults.executionProvider(),
        0,
        Optional.empty(),
        List.of(),
        new AllVersions());
  }

  /** Reads {@code modelDirectory/config.json} if present, else the defaults. */
  public static ModelConfig read(Path modelDirectory, Defaults defaults) throws ConfigException {
    Path file = modelDirectory.resolve("config.json");
    if (!Files.isRegularFile(file)) {
      return defaults(defaults);
    }
    try {
      return parse(Files.readAllBytes(file), defaults);
    } catch (IOException e) {
      throw new ConfigException("config.json cannot be read: " + e.getMessage());
    }
  }

  public static ModelConfig parse(byte[] json, Defaults defaults) throws ConfigException {
    Object tree;
    try {
      tree = JsonTree.parse(json);
    } catch (IOException e) {
      throw new ConfigException("config.json is not valid JSON: " + e.getMessage());
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw new ConfigException("config.json must be a JSON object");
    }
    for (Object key : map.keySet()) {
      if (!KEYS.contains(key)) {
        throw new ConfigException(
            "config.json: unknown key '"
                + key
                + "'; known keys are "
                + KEYS.stream().sorted().toList());
      }
    }
    return new ModelConfig(
        batching(map.get("dynamic_batching")),
        positiveInt(map, "max_queue_size", defaults.maxQueueSize()),
        positiveInt(map, "instances", 1),
        positiveInt(map, "intra_op_threads", defaults.intraOpThreads()),
        positiveInt(map, "inter_op_threads", defaults.interOpThreads()),
        enumValue(map, "optimization_level", OptimizationLevel.class, OptimizationLevel.ALL),
        enumValue(map, "execution_provider", ExecutionProvider.class, defaults.executionProvider()),
        nonNegativeInt(map, "cuda_device", 0),
        memoryBytes(map.get("memory_bytes")),
        labels(map.get("labels")),
        versionPolicy(map.get("version_policy")));
  }

  private static Optional<Batching> batching(Object value) throws ConfigException {
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new ConfigException("config.json: 'dynamic_batching' must be an object");
    }
    for (Object key : map.keySet()) {
      if (!key.equals("max_batch_size") && !key.equals("max_queue_delay_microseconds")) {
        throw new ConfigException(
            "config.json: unknown key 'dynamic_batching."
                + key
                + "'; known keys are max_batch_size, max_queue_delay_microseconds");
      }
    }
    int maxBatchSize = positiveInt(map, "max_batch_size", 32, 1 << 16);
    int delayMicros = nonNegativeInt(map, "max_queue_delay_microseconds", 500);
    return Optional.of(new Batching(maxBatchSize, Duration.ofNanos(delayMicros * 1_000L)));
  }

  private static Optional<Long> memoryBytes(Object value) throws ConfigException {
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Long bytes) || bytes < 1) {
      throw new ConfigException(
          "config.json: 'memory_bytes' must be a positive integer, got " + value);
    }
    return Optional.of(bytes);
  }

  private static List<String> labels(Object value) throws ConfigException {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new ConfigException("config.json: 'labels' must be an array of strings");
    }
    List<String> labels = new ArrayList<>(list.size());
    for (Object label : list) {
      if (!(label instanceof String text)) {
        throw new ConfigException("config.json: 'labels' must be an array of strings");
      }
      labels.add(text);
    }
    return List.copyOf(labels);
  }

  private static VersionPolicy versionPolicy(Object value) throws ConfigException {
    if (value == null || "all".equals(value)) {
      return new AllVersions();
    }
    if ("latest".equals(value)) {
      return new LatestVersion();
    }
    if (value instanceof List<?> list && !list.isEmpty()) {
      List<Long> versions = new ArrayList<>();
      for (Object version : list) {
        if (!(version instanceof Long number) || number < 1) {
          throw new ConfigException(
              "config.json: 'version_policy' list must hold positive integer versions");
        }
        versions.add(number);
      }
      return new SpecificVersions(List.copyOf(versions));
    }
    throw new ConfigException(
        "config.json: 'version_policy' must be \"all\", \"latest\" or a list of versions");
  }

  private static int positiveInt(Map<?, ?> map, String key, int fallback) throws ConfigException {
    return positiveInt(map, key, fallback, 1 << 20);
  }

  private static int positiveInt(Map<?, ?> map, String key, int fallback, int max)
      throws ConfigException {
    int value = nonNegativeInt(map, key, fallback, max);
    if (map.containsKey(key) && value < 1) {
      throw new ConfigException("config.json: '" + key + "' must be at least 1");
    }
    return value;
  }

  private static int nonNegativeInt(Map<?, ?> map, String key, int fallback)
      throws ConfigException {
    return nonNegativeInt(map, key, fallback, Integer.MAX_VALUE);
  }

  private static int nonNegativeInt(Map<?, ?> map, String key, int fallback, int max)
      throws ConfigException {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Long number) || number < 0 || number > max) {
      throw new ConfigException(
          "config.json: '" + key + "' must be an integer between 0 and " + max + ", got " + value);
    }
    return number.intValue();
  }

  private static <E extends Enum<E>> E enumValue(
      Map<?, ?> map, String key, Class<E> type, E fallback) throws ConfigException {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof String text) {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equalsIgnoreCase(text)) {
          return constant;
        }
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      allowed.add(constant.name().toLowerCase(java.util.Locale.ROOT));
    }
    throw new ConfigException(
        "config.json: '" + key + "' must be one of " + allowed + ", got " + value);
  }

  /** A config.json that cannot be used; the message names the key and the problem. */
  public static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }
  }
}
