package dev.pier.runtime.protocol;

import dev.pier.runtime.tensor.Parameters;
import dev.pier.runtime.tensor.Tensor;
import java.util.List;

/**
 * A decoded OIP inference request, independent of the transport it came over.
 *
 * @param id caller's request id, echoed in the response; may be null
 * @param parameters request parameters
 * @param inputs input tensors in the order the caller sent them
 * @param outputs requested outputs; empty means every output of the model
 */
public record InferenceRequest(
    String id, Parameters parameters, List<Tensor> inputs, List<RequestedOutput> outputs) {

  public InferenceRequest {
    parameters = parameters == null ? Parameters.EMPTY : parameters;
    inputs = List.copyOf(inputs);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }

  /** One requested output and its parameters (e.g. {@code binary_data}). */
  public record RequestedOutput(String name, Parameters parameters) {
    public RequestedOutput {
      parameters = parameters == null ? Parameters.EMPTY : parameters;
    }
  }
}
