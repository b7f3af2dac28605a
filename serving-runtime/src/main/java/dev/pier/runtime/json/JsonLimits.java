package dev.pier.runtime.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;

/**
 * The one {@link JsonFactory} of the runtime, with limits that keep a hostile body from costing
 * more than its size: nesting depth, number and string lengths, and name lengths are all bounded.
 */
public final class JsonLimits {
  /** Deepest nesting accepted; OIP bodies need about 8 levels plus the rank of nested data. */
  public static final int MAX_NESTING_DEPTH = 64;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .maxNumberLength(400)
                  .maxNameLength(4096)
                  .maxStringLength(Integer.MAX_VALUE)
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // Tensor data is mostly numbers: the fast parsers and writer halve the cost per element.
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .build();

  private JsonLimits() {}

  public static JsonFactory factory() {
    return FACTORY;
  }
}
