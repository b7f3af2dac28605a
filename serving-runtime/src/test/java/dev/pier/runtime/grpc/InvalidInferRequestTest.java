package dev.pier.runtime.grpc;

import static dev.pier.runtime.grpc.ModelInferTest.input;
import static dev.pier.runtime.grpc.ModelInferTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.pier.runtime.grpc.proto.InferParameter;
import dev.pier.runtime.grpc.proto.InferTensorContents;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferRequest.InferInputTensor;
import dev.pier.runtime.tensor.DataType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests the gRPC codec must refuse with INVALID_ARGUMENT and a message naming what is wrong,
 * before the model is ever called.
 */
class InvalidInferRequestTest {

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

  record Invalid(String problem, ModelInferRequest request, List<String> messageParts) {
    @Override
    public String toString() {
      return problem;
    }
  }

  static List<Invalid> invalidRequests() {
    InferTensorContents threeFloats =
        InferTensorContents.newBuilder()
            .addFp32Contents(1)
            .addFp32Contents(2)
            .addFp32Contents(3)
            .build();
    return List.of(
        new Invalid(
            "fewer raw entries than inputs",
            request()
                .addInputs(input("a", DataType.INT8, 1))
                .addInputs(input("b", DataType.INT8, 1))
                .addRawInputContents(ByteString.copyFrom(new byte[] {1}))
                .build(),
            List.of("raw_input_contents has 1 entries", "2 inputs")),
        new Invalid(
            "contents and raw",
            request()
                .addInputs(
                    input("both", DataType.INT8, 1)
                        .setContents(InferTensorContents.newBuilder().addIntContents(1)))
                .addRawInputContents(ByteString.copyFrom(new byte[] {1}))
                .build(),
            List.of("input 'both'", "raw_input_contents")),
        new Invalid(
            "INT8 above its range",
            request()
                .addInputs(
                    input("small", DataType.INT8, 2)
                        .setContents(
                            InferTensorContents.newBuilder().addIntContents(5).addIntContents(128)))
                .build(),
            List.of("input 'small'", "element 1", "128", "out of range for INT8")),
        new Invalid(
            "INT16 below its range",
            request()
                .addInputs(
                    input("short", DataType.INT16, 1)
                        .setContents(InferTensorContents.newBuilder().addIntContents(-32769)))
                .build(),
            List.of("input 'short'", "-32769", "INT16")),
        new Invalid(
            "UINT8 above its range",
            request()
                .addInputs(
                    input("byte", DataType.UINT8, 1)
                        .setContents(InferTensorContents.newBuilder().addUintContents(256)))
                .build(),
            List.of("input 'byte'", "256", "UINT8")),
        new Invalid(
            "UINT16 sent a uint32 above 2^31",
            request()
                .addInputs(
                    input("word", DataType.UINT16, 1)
                        .setContents(InferTensorContents.newBuilder().addUintContents(-1)))
                .build(),
            List.of("input 'word'", "4294967295", "UINT16")),
        new Invalid(
            "unknown datatype",
            request()
                .addInputs(
                    InferInputTensor.newBuilder()
                        .setName("odd")
                        .setDatatype("FLOAT32")
                        .addShape(1)
                        .setContents(InferTensorContents.newBuilder().addFp32Contents(1)))
                .build(),
            List.of("input 'odd'", "unknown datatype 'FLOAT32'")),
        new Invalid(
            "lower-case datatype",
            request()
                .addInputs(
                    InferInputTensor.newBuilder().setName("lower").setDatatype("fp32").addShape(0))
                .build(),
            List.of("input 'lower'", "'fp32'")),
        new Invalid(
            "element count does not fit the shape",
            request()
                .addInputs(input("grid", DataType.FP32, 2, 2).setContents(threeFloats))
                .build(),
            List.of("input 'grid'", "3 values in fp32_contents", "[2, 2]", "needs 4")),
        new Invalid(
            "contents in the field of another datatype",
            request().addInputs(input("ids", DataType.INT64, 3).setContents(threeFloats)).build(),
            List.of("input 'ids'", "0 values in int64_contents")),
        new Invalid(
            "negative dimension",
            request()
                .addInputs(input("neg", DataType.FP32, 3, -1).setContents(threeFloats))
                .build(),
            List.of("input 'neg'", "negative dimension", "[3, -1]")),
        new Invalid(
            "shape product overflows",
            request()
                .addInputs(
                    input("huge", DataType.FP32, 1L << 31, 1L << 31, 4).setContents(threeFloats))
                .build(),
            List.of("input 'huge'", "more than 2147483647 elements")),
        new Invalid(
            "raw size does not fit shape and datatype",
            request()
                .addInputs(input("rawfloats", DataType.FP32, 2))
                .addRawInputContents(ByteString.copyFrom(new byte[7]))
                .build(),
            List.of("input 'rawfloats'", "7 bytes", "needs 8")),
        new Invalid(
            "raw BYTES length prefix runs past the end",
            request()
                .addInputs(input("text", DataType.BYTES, 1))
                .addRawInputContents(ByteString.copyFrom(new byte[] {100, 0, 0, 0, 'a'}))
                .build(),
            List.of("input 'text'", "element 0 declares 100 bytes", "only 1 remain")),
        new Invalid(
            "raw BYTES with bytes left over",
            request()
                .addInputs(input("text", DataType.BYTES, 1))
                .addRawInputContents(ByteString.copyFrom(new byte[] {1, 0, 0, 0, 'a', 'b'}))
                .build(),
            List.of("input 'text'", "1 bytes left over")),
        new Invalid(
            "raw BYTES shape far larger than the data",
            request()
                .addInputs(input("text", DataType.BYTES, 1_000_000_000))
                .addRawInputContents(ByteString.copyFrom(new byte[8]))
                .build(),
            List.of("input 'text'", "too few for 1000000000")),
        new Invalid(
            "the same input twice",
            request()
                .addInputs(input("twice", DataType.FP32, 0))
                .addInputs(input("twice", DataType.FP32, 0))
                .build(),
            List.of("input 'twice' appears more than once")),
        new Invalid(
            "input without a name",
            request().addInputs(InferInputTensor.newBuilder().setDatatype("FP32")).build(),
            List.of("input #0 has no name")),
        new Invalid(
            "parameter without a value",
            request()
                .addInputs(
                    input("x", DataType.FP32, 0)
                        .putParameters("empty", InferParameter.getDefaultInstance()))
                .build(),
            List.of("input 'x' parameter 'empty' has no value")),
        new Invalid(
            "no model name",
            ModelInferRequest.newBuilder().build(),
            List.of("model name is required")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRequests")
  void isRefusedAsInvalidArgumentNamingTheProblem(Invalid invalid) {
    assertThatThrownBy(() -> grpc.inference().modelInfer(invalid.request()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            failure -> {
              assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(failure.getStatus().getDescription())
                  .contains(invalid.messageParts().toArray(String[]::new));
            });
    assertThat(fake.lastRequest).as("the model was never called").isNull();
  }
}
