package dev.pier.runtime.grpc;

import dev.pier.runtime.grpc.proto.InferParameter;
import dev.pier.runtime.grpc.proto.ModelRepositoryParameter;
import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.protocol.InferenceException;
import dev.pier.runtime.tensor.Parameters;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts OIP parameters between the wire and {@link Parameters}, keeping each value's kind so
 * that a client gets back a uint64 where it sent a uint64.
 */
final class GrpcParameters {

  private GrpcParameters() {}

  /**
   * @param owner what the parameters belong to, for error messages (e.g. {@code "input 'x'"})
   */
  static Parameters fromWire(Map<String, InferParameter> wire, String owner) {
    if (wire.isEmpty()) {
      return Parameters.EMPTY;
    }
    Map<String, Object> values = new LinkedHashMap<>(wire.size() * 2);
    for (Map.Entry<String, InferParameter> entry : wire.entrySet()) {
      InferParameter parameter = entry.getValue();
      Object value =
          switch (parameter.getParameterChoiceCase()) {
            case BOOL_PARAM -> parameter.getBoolParam();
            case INT64_PARAM -> parameter.getInt64Param();
            case STRING_PARAM -> parameter.getStringParam();
            case DOUBLE_PARAM -> parameter.getDoubleParam();
            case UINT64_PARAM -> new Parameters.UnsignedLong(parameter.getUint64Param());
            case PARAMETERCHOICE_NOT_SET ->
                throw InferenceException.invalid(
                    owner + " parameter '" + entry.getKey() + "' has no value");
          };
      values.put(entry.getKey(), value);
    }
    return new Parameters(values);
  }

  static Map<String, InferParameter> toWire(Parameters parameters) {
    if (parameters.isEmpty()) {
      return Map.of();
    }
    Map<String, InferParameter> wire = new LinkedHashMap<>(parameters.values().size() * 2);
    for (Map.Entry<String, Object> entry : parameters.values().entrySet()) {
      wire.put(entry.getKey(), toWire(entry.getValue()));
    }
    return wire;
  }

  static InferParameter toWire(Object value) {
    var parameter = InferParameter.newBuilder();
    // Parameters admits exactly these five kinds, so anything else is a bug in the runtime.
    switch (value) {
      case Boolean flag -> parameter.setBoolParam(flag);
      case Long number -> parameter.setInt64Param(number);
      case Parameters.UnsignedLong number -> parameter.setUint64Param(number.bits());
      case Double number -> parameter.setDoubleParam(number);
      case String text -> parameter.setStringParam(text);
      default ->
          throw new IllegalStateException(
              "parameter value of unsupported kind " + value.getClass().getName());
    }
    return parameter.build();
  }

  /**
   * Model repository parameters. Triton sends file overrides as {@code bytes_param}; Pier takes a
   * text value (a JSON {@code config}, a URI) in either form, and refuses binary content it has no
   * use for rather than guessing an encoding.
   */
  static Parameters fromRepositoryWire(Map<String, ModelRepositoryParameter> wire) {
    if (wire.isEmpty()) {
      return Parameters.EMPTY;
    }
    Map<String, Object> values = new LinkedHashMap<>(wire.size() * 2);
    for (Map.Entry<String, ModelRepositoryParameter> entry : wire.entrySet()) {
      ModelRepositoryParameter parameter = entry.getValue();
      Object value =
          switch (parameter.getParameterChoiceCase()) {
            case BOOL_PARAM -> parameter.getBoolParam();
            case INT64_PARAM -> parameter.getInt64Param();
            case STRING_PARAM -> parameter.getStringParam();
            case BYTES_PARAM -> {
              if (!parameter.getBytesParam().isValidUtf8()) {
                throw new InferenceException(
                    ErrorCode.UNIMPLEMENTED,
                    "repository parameter '"
                        + entry.getKey()
                        + "' holds binary bytes_param content; only UTF-8 text is supported");
              }
              yield parameter.getBytesParam().toStringUtf8();
            }
            case PARAMETERCHOICE_NOT_SET ->
                throw InferenceException.invalid(
                    "repository parameter '" + entry.getKey() + "' has no value");
          };
      values.put(entry.getKey(), value);
    }
    return new Parameters(values);
  }
}
