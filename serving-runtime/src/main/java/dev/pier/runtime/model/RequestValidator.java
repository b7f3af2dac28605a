package dev.pier.runtime.model;

import dev.pier.runtime.protocol.InferenceException;
import dev.pier.runtime.protocol.InferenceRequest;
import dev.pier.runtime.protocol.InferenceRequest.RequestedOutput;
import dev.pier.runtime.tensor.Shapes;
import dev.pier.runtime.tensor.Tensor;
import dev.pier.runtime.tensor.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a request against the model's own schema before anything reaches ONNX Runtime, so every
 * client mistake becomes an INVALID_ARGUMENT that names the tensor and the problem.
 */
final class RequestValidator {
  private RequestValidator() {}

  /** A request that fits the model: one input per model input, in the model's order. */
  record ValidatedRequest(List<Tensor> inputs, List<String> outputNames, long rows) {}

  static ValidatedRequest validate(String model, LoadedModel loaded, InferenceRequest request) {
    Map<String, TensorSpec> specs = loaded.inputsByName();
    Tensor[] ordered = new Tensor[specs.size()];
    List<String> inputNames = new ArrayList<>(specs.keySet());
    for (Tensor input : request.inputs()) {
      int index = inputNames.indexOf(input.name());
      if (index < 0) {
        throw InferenceException.invalid(
            "unknown input '"
                + input.name()
                + "' for model '"
                + model
                + "'; the model's inputs are "
                + inputNames);
      }
      if (ordered[index] != null) {
        throw InferenceException.invalid("input '" + input.name() + "' is given more than once");
      }
      checkInput(model, specs.get(input.name()), input);
      ordered[index] = input;
    }
    for (int i = 0; i < ordered.length; i++) {
      if (ordered[i] == null) {
        TensorSpec missing = specs.get(inputNames.get(i));
        throw InferenceException.invalid(
            "missing input '"
                + missing.name()
                + "' ("
                + missing.datatype()
                + " "
                + Shapes.format(missing.shape())
                + ") for model '"
                + model
                + "'");
      }
    }
    List<String> outputNames = outputNames(model, loaded, request.outputs());
    return new ValidatedRequest(List.of(ordered), outputNames, rows(ordered));
  }

  private static void checkInput(String model, TensorSpec spec, Tensor input) {
    if (input.datatype() != spec.datatype()) {
      throw InferenceException.invalid(
          "input '"
              + input.name()
              + "' has datatype "
              + input.datatype()
              + " but model '"
              + model
              + "' expects "
              + spec.datatype());
    }
    long[] shape = input.shape();
    long[] expected = spec.shape();
    if (shape.length != expected.length) {
      throw InferenceException.invalid(
          "input '"
              + input.name()
              + "' has shape "
              + Shapes.format(shape)
              + " (rank "
              + shape.length
              + ") but model '"
              + model
              + "' expects rank "
              + expected.length
              + " "
              + Shapes.format(expected));
    }
    for (int axis = 0; axis < shape.length; axis++) {
      if (expected[axis] >= 0 && shape[axis] != expected[axis]) {
        throw InferenceException.invalid(
            "input '"
                + input.name()
                + "' has size "
                + shape[axis]
                + " in dimension "
                + axis
                + " but model '"
                + model
                + "' expects "
                + expected[axis]
                + " (expected shape "
                + Shapes.format(expected)
                + ")");
      }
    }
    if (input.strings() != null) {
      checkText(input);
    }
    // Decoders already match data to shape; this guards any future decoder that forgets to.
    long count = Shapes.elementCount(shape);
    if (count < 0 || count != input.heldElements()) {
      throw InferenceException.invalid(
          "input '"
              + input.name()
              + "' holds "
              + input.heldElements()
              + " elements but shape "
              + Shapes.format(shape)
              + " needs "
              + (count < 0 ? "an impossible number of" : String.valueOf(count)));
    }
  }

  /**
   * ONNX Runtime's Java API passes string tensors as Java strings, so bytes that are not UTF-8
   * would be silently replaced: refuse them instead of changing what the caller sent.
   */
  private static void checkText(Tensor input) {
    java.nio.charset.CharsetDecoder decoder =
        java.nio.charset.StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    byte[][] elements = input.strings();
    for (int i = 0; i < elements.length; i++) {
      try {
        decoder.reset().decode(java.nio.ByteBuffer.wrap(elements[i]));
      } catch (java.nio.charset.CharacterCodingException e) {
        throw InferenceException.invalid(
            "input '"
                + input.name()
                + "' element "
                + i
                + " is not valid UTF-8; ONNX string tensors hold text only");
      }
    }
  }

  private static List<String> outputNames(
      String model, LoadedModel loaded, List<RequestedOutput> requested) {
    if (requested.isEmpty()) {
      return loaded.outputNames();
    }
    List<String> names = new ArrayList<>(requested.size());
    for (RequestedOutput output : requested) {
      if (!loaded.outputsByName().containsKey(output.name())) {
        throw InferenceException.invalid(
            "unknown output '"
                + output.name()
                + "' requested from model '"
                + model
                + "'; the model's outputs are "
                + loaded.outputNames());
      }
      if (names.contains(output.name())) {
        throw InferenceException.invalid("output '" + output.name() + "' is requested twice");
      }
      names.add(output.name());
    }
    return List.copyOf(names);
  }

  /** The batch rows of a request: the shared first dimension of its inputs, or -1 if none. */
  private static long rows(Tensor[] inputs) {
    long rows = -1;
    for (Tensor input : inputs) {
      if (input.shape().length == 0) {
        return -1;
      }
      if (rows == -1) {
        rows = input.shape()[0];
      } else if (rows != input.shape()[0]) {
        return -1;
      }
    }
    return rows;
  }
}
