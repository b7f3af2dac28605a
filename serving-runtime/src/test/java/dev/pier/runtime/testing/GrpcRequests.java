package dev.pier.runtime.testing;

import dev.pier.runtime.grpc.proto.InferTensorContents;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferRequest.InferInputTensor;

/** OIP gRPC requests for tests. */
public final class GrpcRequests {
  private GrpcRequests() {}

  /** The iris request for one flower of the README (setosa, label 1), with typed contents. */
  public static ModelInferRequest irisSetosa() {
    return ModelInferRequest.newBuilder()
        .setModelName("iris")
        .addInputs(
            InferInputTensor.newBuilder()
                .setName("features")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(4)
                .setContents(
                    InferTensorContents.newBuilder()
                        .addFp32Contents(5.1f)
                        .addFp32Contents(3.5f)
                        .addFp32Contents(1.4f)
                        .addFp32Contents(0.2f)))
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("label"))
        .build();
  }
}
