package dev.pier.runtime.protocol;

import dev.pier.runtime.tensor.Parameters;
import dev.pier.runtime.tensor.Tensor;
import java.util.List;

/**
 * The result of one inference, independent of the transport it goes back over.
 *
 * @param modelName the model that answered
 * @param modelVersion the version that answered
 * @param id the request's id, or null
 * @param parameters response parameters
 * @param outputs output tensors, in the order requested (or the model's order)
 */
public record InferenceResponse(
    String modelName, String modelVersion, String id, Parameters parameters, List<Tensor> outputs) {

  public InferenceResponse {
    parameters = parameters == null ? Parameters.EMPTY : parameters;
    outputs = List.copyOf(outputs);
  }
}
