package dev.pier.controlplane.registry;

import jakarta.validation.constraints.Size;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a model version came from.
 *
 * @param trainingData a reference to the data it was trained on (a URI, a dataset id)
 * @param codeCommit the commit of the training code
 * @param metrics evaluation results, any JSON object (e.g. {@code {"accuracy": 0.97}})
 */
public record Lineage(
    @Size(max = Limits.TRAINING_DATA_LENGTH) String trainingData,
    @Size(max = Limits.CODE_COMMIT_LENGTH) String codeCommit,
    Map<String, Object> metrics) {

  public static final Lineage NONE = new Lineage(null, null, null);

  public Lineage {
    // Not Map.copyOf: JSON objects may hold nulls.
    metrics =
        metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }
}
