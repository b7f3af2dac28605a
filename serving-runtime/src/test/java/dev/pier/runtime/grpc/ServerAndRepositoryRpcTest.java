package dev.pier.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.pier.runtime.grpc.proto.InferParameter;
import dev.pier.runtime.grpc.proto.ModelMetadataRequest;
import dev.pier.runtime.grpc.proto.ModelMetadataResponse;
import dev.pier.runtime.grpc.proto.ModelReadyRequest;
import dev.pier.runtime.grpc.proto.ModelRepositoryParameter;
import dev.pier.runtime.grpc.proto.RepositoryIndexRequest;
import dev.pier.runtime.grpc.proto.RepositoryIndexResponse;
import dev.pier.runtime.grpc.proto.RepositoryModelLoadRequest;
import dev.pier.runtime.grpc.proto.RepositoryModelUnloadRequest;
import dev.pier.runtime.grpc.proto.ServerLiveRequest;
import dev.pier.runtime.grpc.proto.ServerMetadataRequest;
import dev.pier.runtime.grpc.proto.ServerMetadataResponse;
import dev.pier.runtime.grpc.proto.ServerReadyRequest;
import dev.pier.runtime.protocol.InferenceService;
import dev.pier.runtime.tensor.Parameters;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OIP server, model and repository RPCs pass through to the service and back. */
class ServerAndRepositoryRpcTest {

  private final FakeInferenceService fake = new FakeInferenceService();
  private InProcessGrpc grpc;

  @BeforeEach
  void start() {
    grpc = new InProcessGrpc(fake);
  }

  @AfterEach
  void stop() {
    grpc.close();
  }

  @Test
  void serverLivenessReadinessAndMetadata() {
    assertThat(grpc.inference().serverLive(ServerLiveRequest.getDefaultInstance()).getLive())
        .isTrue();
    assertThat(grpc.inference().serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
        .isTrue();
    fake.ready = false;
    assertThat(grpc.inference().serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
        .isFalse();

    ServerMetadataResponse metadata =
        grpc.inference().serverMetadata(ServerMetadataRequest.getDefaultInstance());
    assertThat(metadata.getName()).isEqualTo("pier");
    assertThat(metadata.getVersion()).isEqualTo("0.1.0");
    assertThat(metadata.getExtensionsList()).isEqualTo(InferenceService.EXTENSIONS);
  }

  @Test
  void modelReadinessOfAKnownModelAndNotFoundForAnUnknownOne() {
    assertThat(
            grpc.inference()
                .modelReady(ModelReadyRequest.newBuilder().setName("echo").build())
                .getReady())
        .isTrue();
    fake.ready = false;
    assertThat(
            grpc.inference()
                .modelReady(ModelReadyRequest.newBuilder().setName("echo").setVersion("2").build())
                .getReady())
        .isFalse();
    assertThatThrownBy(
            () ->
                grpc.inference()
                    .modelReady(ModelReadyRequest.newBuilder().setName("other").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            failure -> {
              assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(failure.getStatus().getDescription()).contains("'other'");
            });
  }

  @Test
  void modelMetadataCarriesVariableDimensionsAndPropertiesAsParameters() {
    ModelMetadataResponse metadata =
        grpc.inference().modelMetadata(ModelMetadataRequest.newBuilder().setName("echo").build());

    assertThat(metadata.getName()).isEqualTo("echo");
    assertThat(metadata.getVersionsList()).containsExactly("1", "2");
    assertThat(metadata.getPlatform()).isEqualTo("onnxruntime_onnx");
    assertThat(metadata.getInputsList())
        .containsExactly(
            ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName("pixels")
                .setDatatype("FP32")
                .addShape(-1)
                .addShape(3)
                .addShape(224)
                .addShape(224)
                .build());
    assertThat(metadata.getOutputsList())
        .containsExactly(
            ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName("label")
                .setDatatype("BYTES")
                .addShape(-1)
                .build());
    assertThat(metadata.getParametersMap())
        .containsExactly(
            Map.entry(
                "pier.labels", InferParameter.newBuilder().setStringParam("cat,dog").build()));
  }

  @Test
  void repositoryIndexHonoursTheReadyFlag() {
    RepositoryIndexResponse all =
        grpc.inference().repositoryIndex(RepositoryIndexRequest.getDefaultInstance());
    assertThat(fake.lastReadyOnly).isFalse();
    assertThat(all.getModelsList())
        .containsExactly(
            RepositoryIndexResponse.ModelIndex.newBuilder()
                .setName("echo")
                .setVersion("2")
                .setState("READY")
                .build(),
            RepositoryIndexResponse.ModelIndex.newBuilder()
                .setName("broken")
                .setVersion("1")
                .setState("FAILED")
                .setReason("not an ONNX file")
                .build());

    RepositoryIndexResponse ready =
        grpc.inference()
            .repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build());
    assertThat(fake.lastReadyOnly).isTrue();
    assertThat(ready.getModelsList())
        .extracting(RepositoryIndexResponse.ModelIndex::getName)
        .containsExactly("echo");
  }

  @Test
  void loadPassesEveryParameterKindAndUtf8BytesAsText() {
    grpc.inference()
        .repositoryModelLoad(
            RepositoryModelLoadRequest.newBuilder()
                .setModelName("resnet")
                .putParameters(
                    "verify", ModelRepositoryParameter.newBuilder().setBoolParam(true).build())
                .putParameters(
                    "version", ModelRepositoryParameter.newBuilder().setInt64Param(3).build())
                .putParameters(
                    "artifact_uri",
                    ModelRepositoryParameter.newBuilder()
                        .setStringParam("s3://models/resnet.onnx")
                        .build())
                .putParameters(
                    "config",
                    ModelRepositoryParameter.newBuilder()
                        .setBytesParam(ByteString.copyFromUtf8("{\"name\": \"résumé\"}"))
                        .build())
                .build());

    assertThat(fake.loads)
        .containsExactly(
            new FakeInferenceService.Load(
                "resnet",
                new Parameters(
                    Map.of(
                        "verify",
                        true,
                        "version",
                        3L,
                        "artifact_uri",
                        "s3://models/resnet.onnx",
                        "config",
                        "{\"name\": \"résumé\"}"))));
  }

  @Test
  void loadRefusesBinaryBytesAsUnimplemented() {
    assertThatThrownBy(
            () ->
                grpc.inference()
                    .repositoryModelLoad(
                        RepositoryModelLoadRequest.newBuilder()
                            .setModelName("resnet")
                            .putParameters(
                                "file:1/model.onnx",
                                ModelRepositoryParameter.newBuilder()
                                    .setBytesParam(ByteString.copyFrom(new byte[] {(byte) 0xFF, 0}))
                                    .build())
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            failure -> {
              assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(failure.getStatus().getDescription()).contains("'file:1/model.onnx'");
            });
    assertThat(fake.loads).isEmpty();
  }

  @Test
  void unloadPassesTheModelName() {
    grpc.inference()
        .repositoryModelUnload(
            RepositoryModelUnloadRequest.newBuilder().setModelName("echo").build());

    assertThat(fake.unloads).containsExactly("echo");
  }

  @Test
  void repositoryCallsNeedAModelName() {
    assertThatThrownBy(
            () ->
                grpc.inference()
                    .repositoryModelUnload(RepositoryModelUnloadRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            failure ->
                assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(fake.unloads).isEmpty();
  }
}
