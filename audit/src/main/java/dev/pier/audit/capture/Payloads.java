package dev.pier.audit.capture;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses payloads into trees that write back the same numbers: decimals stay {@code BigDecimal}
 * with their precision (trailing zeros included), so slicing a tensor never rounds a value.
 */
final class Payloads {
  private static final JsonMapper EXACT =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private Payloads() {}

  /** The tree, or null when the text is not JSON. */
  static JsonNode parse(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    try {
      return EXACT.readTree(json);
    } catch (JacksonException e) {
      return null;
    }
  }

  static JsonMapper mapper() {
    return EXACT;
  }
}
