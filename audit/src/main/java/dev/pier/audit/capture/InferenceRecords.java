package dev.pier.audit.capture;

import dev.pier.audit.AuditKind;
import dev.pier.audit.AuditRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one Open Inference Protocol request and its response into audit records: one per instance
 * of a batched request, so that each prediction is its own searchable row.
 *
 * <p>A request is batched when every input has a shape {@code [n, ...]} with the same {@code n >=
 * 2} and data (flat or nested) with exactly the elements the shape says. Then instance {@code i}
 * gets each input's {@code i}-th slice (shape {@code [1, ...]}, data flattened row-major) and each
 * output's {@code i}-th slice; an output whose first dimension is not {@code n} is kept whole in
 * every instance. Anything else — one instance, scalars, inputs that disagree, binary tensor data,
 * a body that is not OIP JSON — gives one record with the payload as it is: the inputs and outputs
 * exactly as sent, found by one streaming pass ({@link PayloadScan}) without parsing the tensors
 * into trees. Sliced instances keep each number's value and precision (a decimal is never rounded
 * through a double; {@code 5e-1} is written {@code 0.5}). An error response ({@code {"error":
 * ...}}) becomes the records' error unless the template has one.
 */
public final class InferenceRecords {
  private InferenceRecords() {}

  /**
   * The records of one request under a policy (empty when it is sampled away).
   *
   * @param template the request's record: time, request id, endpoint, caller, outcome, target,
   *     flags, trace…; its payload is replaced. Without a request id, the request's OIP {@code id}
   *     is taken, or else a new one is made
   * @param requestJson the OIP request body (null if unknown)
   * @param responseJson the OIP response body (null if there was none)
   */
  public static List<AuditRecord> split(
      AuditRecord template, String requestJson, String responseJson, AuditPolicy policy) {
    return split(template, requestJson, responseJson, policy, null);
  }

  /**
   * {@link #split(AuditRecord, String, String, AuditPolicy)}, with the request id to use when
   * neither the template nor the request has one (null: a new one).
   */
  public static List<AuditRecord> split(
      AuditRecord template,
      String requestJson,
      String responseJson,
      AuditPolicy policy,
      String fallbackRequestId) {
    if (template.kind() != AuditKind.INFERENCE) {
      throw new IllegalArgumentException(
          "only inference records are split, not " + template.kind());
    }
    PayloadScan request = PayloadScan.of(requestJson, "inputs", true);
    AuditRecord identified = template;
    if (template.requestId() == null) {
      identified =
          template.withRequestId(
              request.id() != null
                  ? request.id()
                  : fallbackRequestId != null
                      ? fallbackRequestId
                      : AuditRecord.newId(template.time()));
    }
    if (!policy.sampled(identified.requestId())) {
      return List.of();
    }
    List<AuditRecord> records = new ArrayList<>();
    for (AuditRecord instance : instances(identified, requestJson, request, responseJson)) {
      records.add(policy.trim(instance));
    }
    return records;
  }

  /** The records of one request before any policy. */
  static List<AuditRecord> instances(
      AuditRecord template, String requestJson, String responseJson) {
    return instances(
        template, requestJson, PayloadScan.of(requestJson, "inputs", true), responseJson);
  }

  private static List<AuditRecord> instances(
      AuditRecord template, String requestJson, PayloadScan request, String responseJson) {
    PayloadScan response = PayloadScan.of(responseJson, "outputs", false);
    if (request.judged() && response.judged() && request.batchSize() < 2) {
      return List.of(oneInstance(template, requestJson, request, responseJson, response));
    }
    return fromTrees(template, requestJson, responseJson);
  }

  /** A request of one instance: its inputs and outputs as sent, without building trees. */
  private static AuditRecord oneInstance(
      AuditRecord template,
      String requestJson,
      PayloadScan request,
      String responseJson,
      PayloadScan response) {
    AuditRecord base =
        template.error() == null && response.error() != null
            ? template.withError(response.error())
            : template;
    String outputs = response.member();
    if (!request.memberIsArray()) {
      return base.withPayload(requestJson, outputs == null ? responseJson : outputs)
          .withInstance(0, 1);
    }
    return base.withPayload(request.member(), outputs).withInstance(0, 1);
  }

  /** Any request, through parsed trees: batches are sliced. */
  static List<AuditRecord> fromTrees(
      AuditRecord template, String requestJson, String responseJson) {
    JsonNode request = Payloads.parse(requestJson);
    JsonNode response = Payloads.parse(responseJson);
    AuditRecord base = template;
    if (base.error() == null && response != null && response.isObject()) {
      JsonNode error = response.get("error");
      if (error != null && error.isString()) {
        base = base.withError(error.stringValue());
      }
    }
    JsonNode inputs = request == null ? null : request.get("inputs");
    JsonNode outputs = response == null ? null : response.get("outputs");
    if (inputs == null || !inputs.isArray()) {
      return List.of(
          base.withPayload(requestJson, outputs == null ? responseJson : outputs.toString())
              .withInstance(0, 1));
    }
    int count = batchSize(inputs);
    if (count < 2) {
      return List.of(
          base.withPayload(inputs.toString(), outputs == null ? null : outputs.toString())
              .withInstance(0, 1));
    }
    List<Tensor> inputTensors = prepare(inputs, count);
    List<Tensor> outputTensors =
        outputs != null && outputs.isArray() ? prepare(outputs, count) : null;
    List<AuditRecord> records = new ArrayList<>(count);
    for (int index = 0; index < count; index++) {
      String instanceInputs = slice(inputTensors, index).toString();
      String instanceOutputs =
          outputTensors != null
              ? slice(outputTensors, index).toString()
              : (outputs == null ? null : outputs.toString());
      AuditRecord record = index == 0 ? base : base.withId(AuditRecord.newId(base.time()));
      records.add(record.withPayload(instanceInputs, instanceOutputs).withInstance(index, count));
    }
    return records;
  }

  /** The common first dimension of all inputs when each can be sliced by it, else 1. */
  private static int batchSize(JsonNode inputs) {
    int count = -1;
    for (JsonNode tensor : inputs) {
      int first = firstDimension(tensor);
      if (first < 0 || (count >= 0 && first != count)) {
        return 1;
      }
      count = first;
    }
    return Math.max(count, 1);
  }

  /** The tensor's first dimension if its data can be sliced along it, else -1. */
  private static int firstDimension(JsonNode tensor) {
    if (!tensor.isObject()) {
      return -1;
    }
    JsonNode shape = tensor.get("shape");
    JsonNode data = tensor.get("data");
    if (shape == null || !shape.isArray() || shape.isEmpty() || data == null || !data.isArray()) {
      return -1;
    }
    long elements = 1;
    for (JsonNode dimension : shape) {
      if (!dimension.canConvertToLong()
          || !dimension.isIntegralNumber()
          || dimension.asLong() < 0) {
        return -1;
      }
      elements = Math.multiplyExact(elements, dimension.asLong());
      if (elements > Integer.MAX_VALUE) {
        return -1;
      }
    }
    long first = shape.get(0).asLong();
    if (first > Integer.MAX_VALUE || countLeaves(data) != elements) {
      return -1;
    }
    return (int) first;
  }

  /** A tensor ready to be sliced: its data flattened once, or kept whole. */
  private record Tensor(JsonNode original, List<JsonNode> leaves, int rowElements) {
    boolean sliceable() {
      return leaves != null;
    }
  }

  private static List<Tensor> prepare(JsonNode tensors, int count) {
    List<Tensor> prepared = new ArrayList<>();
    for (JsonNode tensor : tensors) {
      if (firstDimension(tensor) != count) {
        prepared.add(new Tensor(tensor, null, 0));
        continue;
      }
      List<JsonNode> leaves = new ArrayList<>();
      flatten(tensor.get("data"), leaves);
      prepared.add(new Tensor(tensor, leaves, leaves.size() / count));
    }
    return prepared;
  }

  private static ArrayNode slice(List<Tensor> tensors, int index) {
    ArrayNode sliced = JsonNodeFactory.instance.arrayNode();
    for (Tensor tensor : tensors) {
      if (!tensor.sliceable()) {
        sliced.add(tensor.original());
        continue;
      }
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> member : tensor.original().properties()) {
        switch (member.getKey()) {
          case "shape" -> {
            ArrayNode shape = copy.putArray("shape");
            shape.add(1);
            JsonNode original = member.getValue();
            for (int dimension = 1; dimension < original.size(); dimension++) {
              shape.add(original.get(dimension));
            }
          }
          case "data" -> {
            ArrayNode data = copy.putArray("data");
            int start = index * tensor.rowElements();
            for (int element = 0; element < tensor.rowElements(); element++) {
              data.add(tensor.leaves().get(start + element));
            }
          }
          default -> copy.set(member.getKey(), member.getValue());
        }
      }
      sliced.add(copy);
    }
    return sliced;
  }

  private static long countLeaves(JsonNode data) {
    if (!data.isArray()) {
      return 1;
    }
    long leaves = 0;
    for (JsonNode element : data) {
      leaves += countLeaves(element);
    }
    return leaves;
  }

  private static void flatten(JsonNode data, List<JsonNode> leaves) {
    if (data.isArray()) {
      for (JsonNode element : data) {
        flatten(element, leaves);
      }
    } else {
      leaves.add(data);
    }
  }
}
