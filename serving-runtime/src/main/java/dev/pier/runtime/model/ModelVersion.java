package dev.pier.runtime.model;

import dev.pier.runtime.metrics.RuntimeMetrics.ModelMetrics;
import dev.pier.runtime.protocol.ModelState;
import dev.pier.runtime.tensor.TensorSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One version of a model as the repository tracks it across loads, reloads and evictions. Its
 * {@link #loaded} session changes; its identity, state and last known schema stay.
 *
 * <p>State transitions happen under {@link #lock}; readers on the request path only read the
 * volatile fields.
 */
final class ModelVersion {
  /** What a load was made from, so a repeated load of unchanged files keeps the running session. */
  record Fingerprint(long size, long modifiedMillis, ModelConfig config) {}

  /** The schema last read from this version's model, kept so metadata survives an eviction. */
  record Schema(
      List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, String> properties) {}

  final String model;
  final long version;
  final String versionText;
  final Path file;
  final ModelMetrics metrics;
  final ReentrantLock lock = new ReentrantLock();

  volatile ModelState state = ModelState.UNAVAILABLE;
  volatile String reason = "";
  volatile LoadedModel loaded;
  volatile Schema schema;
  volatile long lastUsedNanos;
  volatile Fingerprint fingerprint;

  ModelVersion(String model, long version, Path file, ModelMetrics metrics) {
    this.model = model;
    this.version = version;
    this.versionText = Long.toString(version);
    this.file = file;
    this.metrics = metrics;
  }

  String displayName() {
    return model + ":" + versionText;
  }
}
