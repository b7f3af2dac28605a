package dev.pier.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc;
import dev.pier.runtime.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.pier.runtime.grpc.proto.InferTensorContents;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferRequest.InferInputTensor;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import dev.pier.runtime.grpc.proto.ModelMetadataRequest;
import dev.pier.runtime.grpc.proto.ModelMetadataResponse;
import dev.pier.runtime.grpc.proto.RepositoryIndexRequest;
import dev.pier.runtime.grpc.proto.RepositoryModelLoadRequest;
import dev.pier.runtime.grpc.proto.RepositoryModelUnloadRequest;
import dev.pier.runtime.grpc.proto.ServerMetadataRequest;
import dev.pier.runtime.grpc.proto.ServerReadyRequest;
import dev.pier.runtime.testing.GrpcRequests;
import dev.pier.runtime.testing.ModelRepositories;
import dev.pier.runtime.testing.RuntimeProcess;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OIP over gRPC against a real runtime process serving real models, over a real socket. */
class GrpcProtocolIT {
  @TempDir static Path repository;
  private static RuntimeProcess runtime;
  private static ManagedChannel channel;
  private static GRPCInferenceServiceBlockingStub stub;

  @BeforeAll
  static void start() {
    ModelRepositories.copy(
        repository,
        "iris",
        "add_sub",
        "identity_fp16",
        "identity_bf16",
        "identity_uint64",
        "identity_uint16",
        "identity_bytes",
        "identity_bool");
    runtime = RuntimeProcess.start(repository);
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", runtime.grpcPort()).usePlaintext().build();
    stub =
        GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    runtime.close();
  }

  @Test
  void serverIsReadyAndDescribesItself() {
    assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    assertThat(stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getExtensionsList())
        .contains("binary_tensor_data", "model_repository");
    HealthCheckResponse health =
        HealthGrpc.newBlockingStub(channel)
            .check(
                HealthCheckRequest.newBuilder()
                    .setService("inference.GRPCInferenceService")
                    .build());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void modelMetadataReportsTheSchemaReadFromTheModel() {
    ModelMetadataResponse metadata =
        stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("add_sub").build());
    assertThat(metadata.getVersionsList()).containsExactly("1");
    assertThat(metadata.getInputsList())
        .extracting(ModelMetadataResponse.TensorMetadata::getName)
        .containsExactly("a", "b");
    assertThat(metadata.getInputs(0).getShapeList()).containsExactly(-1L, 4L);
  }

  @Test
  void typedContentsInferTheRightSpecies() {
    ModelInferRequest request = GrpcRequests.irisSetosa().toBuilder().setId("grpc-1").build();
    ModelInferResponse response = stub.modelInfer(request);
    assertThat(response.getId()).isEqualTo("grpc-1");
    assertThat(response.getModelVersion()).isEqualTo("1");
    assertThat(response.getOutputsList()).hasSize(1);
    assertThat(response.getOutputs(0).getContents().getInt64ContentsList()).containsExactly(1L);
  }

  @ParameterizedTest
  @CsvSource({
    "identity_fp16, FP16, 2",
    "identity_bf16, BF16, 2",
    "identity_uint64, UINT64, 8",
    "identity_uint16, UINT16, 2",
    "identity_bool, BOOL, 1"
  })
  void rawContentsRoundTripBitExactly(String model, String datatype, int width) {
    byte[] raw = new byte[4 * width];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = datatype.equals("BOOL") ? (byte) (i % 2) : (byte) (0xF0 ^ (i * 29));
    }
    ModelInferResponse response =
        stub.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName(model)
                .addInputs(
                    InferInputTensor.newBuilder()
                        .setName("input")
                        .setDatatype(datatype)
                        .addShape(2)
                        .addShape(2))
                .addRawInputContents(ByteString.copyFrom(raw))
                .build());
    assertThat(response.getOutputs(0).getDatatype()).isEqualTo(datatype);
    assertThat(response.getOutputs(0).getShapeList()).containsExactly(2L, 2L);
    assertThat(response.getRawOutputContents(0).toByteArray()).isEqualTo(raw);
  }

  @Test
  void typedBytesCarryText() {
    ModelInferResponse response =
        stub.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName("identity_bytes")
                .addInputs(
                    InferInputTensor.newBuilder()
                        .setName("input")
                        .setDatatype("BYTES")
                        .addShape(1)
                        .addShape(2)
                        .setContents(
                            InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFromUtf8("nul\u0000inside"))
                                .addBytesContents(ByteString.copyFromUtf8("emoji 🚢"))))
                .build());
    assertThat(response.getOutputs(0).getContents().getBytesContentsList())
        .containsExactly(
            ByteString.copyFromUtf8("nul\u0000inside"), ByteString.copyFromUtf8("emoji 🚢"));
  }

  @Test
  void mistakesBecomeStatusCodesNamingTheProblem() {
    assertThatThrownBy(
            () -> stub.modelInfer(ModelInferRequest.newBuilder().setModelName("nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).contains("unknown model 'nope'");
            });
    ModelInferRequest wrongType =
        ModelInferRequest.newBuilder()
            .setModelName("iris")
            .addInputs(
                InferInputTensor.newBuilder()
                    .setName("features")
                    .setDatatype("FP64")
                    .addShape(1)
                    .addShape(4)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addFp64Contents(1)
                            .addFp64Contents(2)
                            .addFp64Contents(3)
                            .addFp64Contents(4)))
            .build();
    assertThatThrownBy(() -> stub.modelInfer(wrongType))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("input 'features' has datatype FP64 but model 'iris' expects FP32");
            });
    // The server is unharmed.
    assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
  }

  @Test
  void repositoryRpcsUnloadAndLoad() {
    stub.repositoryModelUnload(
        RepositoryModelUnloadRequest.newBuilder().setModelName("add_sub").build());
    assertThat(stub.repositoryIndex(RepositoryIndexRequest.newBuilder().build()).getModelsList())
        .anySatisfy(
            model -> {
              assertThat(model.getName()).isEqualTo("add_sub");
              assertThat(model.getState()).isEqualTo("UNAVAILABLE");
            });
    stub.repositoryModelLoad(
        RepositoryModelLoadRequest.newBuilder().setModelName("add_sub").build());
    assertThat(
            stub.repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build())
                .getModelsList())
        .anySatisfy(model -> assertThat(model.getName()).isEqualTo("add_sub"));
  }
}
