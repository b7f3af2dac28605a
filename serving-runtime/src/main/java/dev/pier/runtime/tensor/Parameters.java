package dev.pier.runtime.tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * OIP parameters: an ordered map from name to one of the five protocol kinds — {@link Boolean},
 * {@link Long} (int64), {@link Double}, {@link String} or {@link UnsignedLong} (uint64). The kind
 * is kept so that a gRPC client gets back the kind it sent.
 */
public record Parameters(Map<String, Object> values) {

  public static final Parameters EMPTY = new Parameters(Map.of());

  /** A uint64 parameter value, held in the bits of a long. */
  public record UnsignedLong(long bits) {
    @Override
    public String toString() {
      return Long.toUnsignedString(bits);
    }
  }

  public Parameters {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      Object value = entry.getValue();
      if (!(value instanceof Boolean
          || value instanceof Long
          || value instanceof Double
          || value instanceof String
          || value instanceof UnsignedLong)) {
        throw new IllegalArgumentException(
            "parameter '" + entry.getKey() + "' must be a boolean, integer, number or string");
      }
    }
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public Optional<Object> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** A boolean parameter; a non-boolean value counts as absent. */
  public boolean flag(String name) {
    return values.get(name) instanceof Boolean value && value;
  }

  public Optional<String> string(String name) {
    return values.get(name) instanceof String value ? Optional.of(value) : Optional.empty();
  }

  /** An integer parameter of either integer kind. */
  public Optional<Long> integer(String name) {
    Object value = values.get(name);
    if (value instanceof Long number) {
      return Optional.of(number);
    }
    if (value instanceof UnsignedLong number && number.bits() >= 0) {
      return Optional.of(number.bits());
    }
    return Optional.empty();
  }

  public Parameters with(String name, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(values);
    copy.put(name, value);
    return new Parameters(copy);
  }

  public Parameters without(String name) {
    if (!values.containsKey(name)) {
      return this;
    }
    Map<String, Object> copy = new LinkedHashMap<>(values);
    copy.remove(name);
    return new Parameters(copy);
  }
}
