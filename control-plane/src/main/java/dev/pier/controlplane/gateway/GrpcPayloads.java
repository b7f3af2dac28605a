package dev.pier.controlplane.gateway;

import dev.pier.runtime.grpc.proto.InferTensorContents;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import java.io.StringWriter;
import java.util.Base64;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * gRPC inference messages rendered as the OIP JSON the same call would have had over REST, for the
 * audit trail: {@code id}, {@code model_name}, {@code model_version}, and each tensor's {@code
 * name}, {@code datatype}, {@code shape} and flat {@code data} from its typed contents ({@code
 * BYTES} as UTF-8 text). Tensors sent as {@code raw_input_contents} / {@code raw_output_contents}
 * are not decoded: such a tensor gets {@code "raw_bytes": <length>} instead of {@code data}.
 * Parameters are left out. Called on the audit thread, never on a call's thread.
 */
final class GrpcPayloads {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private GrpcPayloads() {}

  static String request(ModelInferRequest request) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      if (!request.getId().isEmpty()) {
        json.writeStringProperty("id", request.getId());
      }
      json.writeStringProperty("model_name", request.getModelName());
      if (!request.getModelVersion().isEmpty()) {
        json.writeStringProperty("model_version", request.getModelVersion());
      }
      json.writeArrayPropertyStart("inputs");
      List<ModelInferRequest.InferInputTensor> inputs = request.getInputsList();
      for (int index = 0; index < inputs.size(); index++) {
        ModelInferRequest.InferInputTensor input = inputs.get(index);
        tensor(
            json,
            input.getName(),
            input.getDatatype(),
            input.getShapeList(),
            input.hasContents() ? input.getContents() : null,
            index < request.getRawInputContentsCount()
                ? request.getRawInputContents(index).size()
                : -1);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return out.toString();
  }

  static String response(ModelInferResponse response) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      if (!response.getId().isEmpty()) {
        json.writeStringProperty("id", response.getId());
      }
      json.writeStringProperty("model_name", response.getModelName());
      json.writeStringProperty("model_version", response.getModelVersion());
      json.writeArrayPropertyStart("outputs");
      List<ModelInferResponse.InferOutputTensor> outputs = response.getOutputsList();
      for (int index = 0; index < outputs.size(); index++) {
        ModelInferResponse.InferOutputTensor output = outputs.get(index);
        tensor(
            json,
            output.getName(),
            output.getDatatype(),
            output.getShapeList(),
            output.hasContents() ? output.getContents() : null,
            index < response.getRawOutputContentsCount()
                ? response.getRawOutputContents(index).size()
                : -1);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return out.toString();
  }

  private static void tensor(
      JsonGenerator json,
      String name,
      String datatype,
      List<Long> shape,
      InferTensorContents contents,
      int rawBytes) {
    json.writeStartObject();
    json.writeStringProperty("name", name);
    json.writeStringProperty("datatype", datatype);
    json.writeArrayPropertyStart("shape");
    for (long dimension : shape) {
      json.writeNumber(dimension);
    }
    json.writeEndArray();
    if (rawBytes >= 0) {
      json.writeNumberProperty("raw_bytes", rawBytes);
    } else if (contents != null) {
      json.writeArrayPropertyStart("data");
      data(json, contents);
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  /** The contents of whichever typed field holds them (a tensor uses one). */
  private static void data(JsonGenerator json, InferTensorContents contents) {
    contents.getBoolContentsList().forEach(json::writeBoolean);
    contents.getIntContentsList().forEach(value -> json.writeNumber(value));
    contents.getInt64ContentsList().forEach(value -> json.writeNumber(value));
    contents
        .getUintContentsList()
        .forEach(value -> json.writeNumber(Integer.toUnsignedLong(value)));
    contents
        .getUint64ContentsList()
        .forEach(value -> json.writeNumber(Long.toUnsignedString(value)));
    contents.getFp32ContentsList().forEach(value -> json.writeNumber(value));
    contents.getFp64ContentsList().forEach(value -> json.writeNumber(value));
    contents
        .getBytesContentsList()
        .forEach(
            value ->
                json.writeString(
                    value.isValidUtf8()
                        ? value.toStringUtf8()
                        : Base64.getEncoder().encodeToString(value.toByteArray())));
  }
}
