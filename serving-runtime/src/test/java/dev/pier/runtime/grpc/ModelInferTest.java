package dev.pier.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.pier.runtime.grpc.proto.InferParameter;
import dev.pier.runtime.grpc.proto.InferTensorContents;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferRequest.InferInputTensor;
import dev.pier.runtime.grpc.proto.ModelInferRequest.InferRequestedOutputTensor;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import dev.pier.runtime.protocol.InferenceRequest;
import dev.pier.runtime.tensor.DataType;
import dev.pier.runtime.tensor.Parameters;
import dev.pier.runtime.tensor.Tensor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** ModelInfer through the in-process transport against an echoing fake. */
class ModelInferTest {

  private static final byte[] NUL_AND_EMOJI = "a\0b 🙂".getBytes(StandardCharsets.UTF_8);

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

  record TypedCase(DataType datatype, InferTensorContents contents, byte[] littleEndian) {
    @Override
    public String toString() {
      return datatype.name();
    }
  }

  static List<TypedCase> typedCases() {
    return List.of(
        new TypedCase(
            DataType.BOOL,
            InferTensorContents.newBuilder()
                .addBoolContents(true)
                .addBoolContents(false)
                .addBoolContents(true)
                .build(),
            new byte[] {1, 0, 1}),
        new TypedCase(
            DataType.INT8,
            ints(Byte.MIN_VALUE, -1, Byte.MAX_VALUE),
            littleEndian(3, data -> data.put((byte) -128).put((byte) -1).put((byte) 127))),
        new TypedCase(
            DataType.INT16,
            ints(Short.MIN_VALUE, -2, Short.MAX_VALUE),
            littleEndian(
                6,
                data ->
                    data.putShort((short) -32768).putShort((short) -2).putShort((short) 32767))),
        new TypedCase(
            DataType.INT32,
            ints(Integer.MIN_VALUE, -3, Integer.MAX_VALUE),
            littleEndian(
                12, data -> data.putInt(Integer.MIN_VALUE).putInt(-3).putInt(Integer.MAX_VALUE))),
        new TypedCase(
            DataType.INT64,
            InferTensorContents.newBuilder()
                .addInt64Contents(Long.MIN_VALUE)
                .addInt64Contents(-4)
                .addInt64Contents(Long.MAX_VALUE)
                .build(),
            littleEndian(
                24, data -> data.putLong(Long.MIN_VALUE).putLong(-4).putLong(Long.MAX_VALUE))),
        new TypedCase(DataType.UINT8, uints(0, 200, 255), new byte[] {0, (byte) 200, (byte) 255}),
        new TypedCase(
            DataType.UINT16,
            uints(0, 40_000, 65_535),
            littleEndian(
                6,
                data ->
                    data.putShort((short) 0).putShort((short) 40_000).putShort((short) 65_535))),
        new TypedCase(
            DataType.UINT32,
            uints(0, (int) 3_000_000_000L, (int) 0xFFFF_FFFFL),
            littleEndian(12, data -> data.putInt(0).putInt((int) 3_000_000_000L).putInt(-1))),
        new TypedCase(
            DataType.UINT64,
            InferTensorContents.newBuilder()
                .addUint64Contents(0)
                // 2^63 and 2^64 - 1: above Long.MAX_VALUE, so negative as Java longs.
                .addUint64Contents(Long.MIN_VALUE)
                .addUint64Contents(-1L)
                .build(),
            littleEndian(24, data -> data.putLong(0).putLong(Long.MIN_VALUE).putLong(-1L))),
        new TypedCase(
            DataType.FP32,
            InferTensorContents.newBuilder()
                .addFp32Contents(1.5f)
                .addFp32Contents(-0.0f)
                .addFp32Contents(Float.MIN_VALUE)
                .addFp32Contents(Float.NEGATIVE_INFINITY)
                .build(),
            littleEndian(
                16,
                data ->
                    data.putFloat(1.5f)
                        .putFloat(-0.0f)
                        .putFloat(Float.MIN_VALUE)
                        .putFloat(Float.NEGATIVE_INFINITY))),
        new TypedCase(
            DataType.FP64,
            InferTensorContents.newBuilder()
                .addFp64Contents(Math.PI)
                .addFp64Contents(-0.0)
                .addFp64Contents(Double.MIN_VALUE)
                .addFp64Contents(Double.MAX_VALUE)
                .build(),
            littleEndian(
                32,
                data ->
                    data.putDouble(Math.PI)
                        .putDouble(-0.0)
                        .putDouble(Double.MIN_VALUE)
                        .putDouble(Double.MAX_VALUE))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("typedCases")
  void typedContentsReachTheModelAsDirectLittleEndianDataAndComeBackTyped(TypedCase typed) {
    long count = typed.littleEndian().length / typed.datatype().byteWidth();
    ModelInferResponse response =
        grpc.inference()
            .modelInfer(
                request()
                    .addInputs(input("x", typed.datatype(), 1, count).setContents(typed.contents()))
                    .build());

    Tensor seen = fake.lastRequest.inputs().getFirst();
    assertThat(seen.datatype()).isEqualTo(typed.datatype());
    assertThat(seen.shape()).containsExactly(1, count);
    assertThat(seen.data().isDirect()).as("direct, for ONNX Runtime").isTrue();
    assertThat(seen.data().order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes(seen.data())).containsExactly(typed.littleEndian());

    assertThat(response.getRawOutputContentsCount()).as("typed in, typed out").isZero();
    ModelInferResponse.InferOutputTensor output = response.getOutputs(0);
    assertThat(output.getName()).isEqualTo("x");
    assertThat(output.getDatatype()).isEqualTo(typed.datatype().name());
    assertThat(output.getShapeList()).containsExactly(1L, count);
    assertThat(output.getContents()).isEqualTo(typed.contents());
  }

  @Test
  void typedBytesKeepNulAndMultiByteCharacters() {
    InferTensorContents contents =
        InferTensorContents.newBuilder()
            .addBytesContents(ByteString.copyFrom(NUL_AND_EMOJI))
            .addBytesContents(ByteString.EMPTY)
            .build();
    ModelInferResponse response =
        grpc.inference()
            .modelInfer(
                request()
                    .addInputs(input("text", DataType.BYTES, 2).setContents(contents))
                    .build());

    Tensor seen = fake.lastRequest.inputs().getFirst();
    assertThat(seen.strings()).isDeepEqualTo(new byte[][] {NUL_AND_EMOJI, {}});
    assertThat(response.getOutputs(0).getContents()).isEqualTo(contents);
  }

  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"BYTES"},
      mode = EnumSource.Mode.EXCLUDE)
  void rawContentsRoundTripBitExact(DataType datatype) {
    byte[] raw = new byte[3 * datatype.byteWidth()];
    for (int index = 0; index < raw.length; index++) {
      raw[index] = datatype == DataType.BOOL ? (byte) (index % 2) : (byte) (0xA5 ^ index * 37);
    }
    ModelInferResponse response =
        grpc.inference()
            .modelInfer(
                request()
                    .addInputs(input("x", datatype, 3))
                    .addRawInputContents(ByteString.copyFrom(raw))
                    .build());

    Tensor seen = fake.lastRequest.inputs().getFirst();
    assertThat(seen.data().isDirect()).isTrue();
    assertThat(bytes(seen.data())).containsExactly(raw);
    assertThat(response.getOutputs(0).hasContents()).as("raw in, raw out").isFalse();
    assertThat(response.getRawOutputContents(0).toByteArray()).containsExactly(raw);
  }

  @Test
  void halfPrecisionRawKeepsEveryBitPattern() {
    // 1.0, -0.0, a NaN with payload, the smallest subnormal, -infinity.
    short[] halves = {0x3C00, (short) 0x8000, 0x7E01, 0x0001, (short) 0xFC00};
    byte[] raw = littleEndian(10, data -> data.asShortBuffer().put(halves));
    for (DataType datatype : List.of(DataType.FP16, DataType.BF16)) {
      ModelInferResponse response =
          grpc.inference()
              .modelInfer(
                  request()
                      .addInputs(input("half", datatype, 5))
                      .addRawInputContents(ByteString.copyFrom(raw))
                      .build());

      assertThat(bytes(fake.lastRequest.inputs().getFirst().data())).containsExactly(raw);
      assertThat(response.getOutputs(0).getDatatype()).isEqualTo(datatype.name());
      assertThat(response.getRawOutputContents(0).toByteArray()).containsExactly(raw);
    }
  }

  @Test
  void rawBytesUseTheTritonLengthPrefixedLayout() {
    byte[] raw =
        littleEndian(
            4 + NUL_AND_EMOJI.length + 4 + 4 + 1,
            data ->
                data.putInt(NUL_AND_EMOJI.length)
                    .put(NUL_AND_EMOJI)
                    .putInt(0)
                    .putInt(1)
                    .put((byte) 'z'));
    ModelInferResponse response =
        grpc.inference()
            .modelInfer(
                request()
                    .addInputs(input("text", DataType.BYTES, 3))
                    .addRawInputContents(ByteString.copyFrom(raw))
                    .build());

    assertThat(fake.lastRequest.inputs().getFirst().strings())
        .isDeepEqualTo(new byte[][] {NUL_AND_EMOJI, {}, {'z'}});
    assertThat(response.getRawOutputContents(0).toByteArray()).containsExactly(raw);
  }

  @Test
  void fp32ContentsAreRoundedToHalfPrecisionAndComeBackRaw() {
    float[] values = {1.0f, 65504f, 1e-8f, 1.00390625f, 1.01171875f, Float.NEGATIVE_INFINITY};
    var contents = InferTensorContents.newBuilder();
    for (float value : values) {
      contents.addFp32Contents(value);
    }
    // Float.floatToFloat16 is the reference for FP16; BF16 rounds ties to even: 1.00390625 lies
    // halfway between 1.0 and 1.0078125 and goes down to the even 0x3F80, 1.01171875 goes up.
    byte[] fp16 =
        littleEndian(
            12,
            data -> {
              for (float value : values) {
                data.putShort(Float.floatToFloat16(value));
              }
            });
    byte[] bf16 =
        littleEndian(
            12,
            data ->
                data.putShort((short) 0x3F80)
                    .putShort((short) 0x4780)
                    .putShort((short) 0x322C)
                    .putShort((short) 0x3F80)
                    .putShort((short) 0x3F82)
                    .putShort((short) 0xFF80));

    ModelInferResponse response =
        grpc.inference()
            .modelInfer(
                request()
                    .addInputs(input("half", DataType.FP16, 6).setContents(contents))
                    .addInputs(input("brain", DataType.BF16, 6).setContents(contents))
                    .addInputs(input("single", DataType.FP32, 6).setContents(contents))
                    .build());

    assertThat(bytes(fake.lastRequest.inputs().get(0).data())).containsExactly(fp16);
    assertThat(bytes(fake.lastRequest.inputs().get(1).data())).containsExactly(bf16);
    assertThat(response.getRawOutputContentsCount())
        .as("FP16 has no typed field, so the whole response is raw")
        .isEqualTo(3);
    assertThat(response.getRawOutputContents(0).toByteArray()).containsExactly(fp16);
    assertThat(response.getRawOutputContents(1).toByteArray()).containsExactly(bf16);
    assertThat(response.getOutputs(2).hasContents()).isFalse();
  }

  @Test
  void bfloat16RoundingKeepsNanANan() {
    short bits = GrpcTensors.floatToBfloat16(Float.intBitsToFloat(0x7F800001));
    assertThat(bits & 0x7F80).isEqualTo(0x7F80);
    assertThat(bits & 0x007F).isNotZero();
  }

  @Test
  void binaryDataOutputParameterAsksForRawOutputs() {
    ModelInferResponse response =
        grpc.inference()
            .modelInfer(
                request()
                    .putParameters(GrpcTensors.BINARY_DATA_OUTPUT, bool(true))
                    .addInputs(
                        input("x", DataType.FP32, 2)
                            .setContents(
                                InferTensorContents.newBuilder()
                                    .addFp32Contents(2.5f)
                                    .addFp32Contents(-1f)))
                    .build());

    assertThat(response.getOutputs(0).hasContents()).isFalse();
    assertThat(response.getRawOutputContents(0).toByteArray())
        .containsExactly(littleEndian(8, data -> data.putFloat(2.5f).putFloat(-1f)));
  }

  @Test
  void idModelAndVersionComeBack() {
    ModelInferResponse response =
        grpc.inference()
            .modelInfer(
                request()
                    .setModelVersion("2")
                    .setId("request-42")
                    .addInputs(
                        input("x", DataType.INT64, 0)
                            .setContents(InferTensorContents.getDefaultInstance()))
                    .build());

    assertThat(fake.lastModel).isEqualTo(FakeInferenceService.MODEL);
    assertThat(fake.lastVersion).isEqualTo("2");
    assertThat(fake.lastRequest.id()).isEqualTo("request-42");
    assertThat(response.getId()).isEqualTo("request-42");
    assertThat(response.getModelName()).isEqualTo(FakeInferenceService.MODEL);
    assertThat(response.getModelVersion()).isEqualTo("2");
    assertThat(response.getOutputs(0).getShapeList()).containsExactly(0L);
  }

  @Test
  void anEmptyIdReachesTheModelAsNone() {
    grpc.inference().modelInfer(request().build());

    assertThat(fake.lastRequest.id()).isNull();
  }

  @Test
  void allFiveParameterKindsRoundTripOnRequestTensorsAndRequestedOutputs() {
    Map<String, InferParameter> wire =
        Map.of(
            "flag", bool(true),
            "count", InferParameter.newBuilder().setInt64Param(-7).build(),
            "name", InferParameter.newBuilder().setStringParam("ünïcode").build(),
            "ratio", InferParameter.newBuilder().setDoubleParam(0.25).build(),
            "big", InferParameter.newBuilder().setUint64Param(-1L).build());
    Parameters expected =
        new Parameters(
            Map.of(
                "flag",
                true,
                "count",
                -7L,
                "name",
                "ünïcode",
                "ratio",
                0.25,
                "big",
                new Parameters.UnsignedLong(-1L)));

    ModelInferResponse response =
        grpc.inference()
            .modelInfer(
                request()
                    .putAllParameters(wire)
                    .addInputs(
                        input("x", DataType.BOOL, 1)
                            .putAllParameters(wire)
                            .setContents(InferTensorContents.newBuilder().addBoolContents(true)))
                    .addOutputs(
                        InferRequestedOutputTensor.newBuilder().setName("x").putAllParameters(wire))
                    .build());

    InferenceRequest seen = fake.lastRequest;
    assertThat(seen.parameters()).isEqualTo(expected);
    assertThat(seen.inputs().getFirst().parameters()).isEqualTo(expected);
    assertThat(seen.outputs()).containsExactly(new InferenceRequest.RequestedOutput("x", expected));
    assertThat(((Parameters.UnsignedLong) seen.parameters().values().get("big")).toString())
        .isEqualTo("18446744073709551615");
    assertThat(response.getParametersMap()).isEqualTo(wire);
    assertThat(response.getOutputs(0).getParametersMap()).isEqualTo(wire);
  }

  @Test
  void anOutputWhoseDataDoesNotFitItsShapeIsTheServersFault() {
    fake.outputs =
        request ->
            List.of(
                Tensor.ofFixedWidth(
                    "y", DataType.FP32, new long[] {3}, ByteBuffer.allocate(4), Parameters.EMPTY));

    assertThatThrownBy(() -> grpc.inference().modelInfer(request().build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            failure -> {
              assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
              assertThat(failure.getStatus().getDescription())
                  .isEqualTo(GrpcErrors.INTERNAL_MESSAGE);
            });
  }

  static ModelInferRequest.Builder request() {
    return ModelInferRequest.newBuilder().setModelName(FakeInferenceService.MODEL);
  }

  static InferInputTensor.Builder input(String name, DataType datatype, long... shape) {
    var input = InferInputTensor.newBuilder().setName(name).setDatatype(datatype.name());
    for (long dimension : shape) {
      input.addShape(dimension);
    }
    return input;
  }

  static InferParameter bool(boolean value) {
    return InferParameter.newBuilder().setBoolParam(value).build();
  }

  private static InferTensorContents ints(int... values) {
    var contents = InferTensorContents.newBuilder();
    for (int value : values) {
      contents.addIntContents(value);
    }
    return contents.build();
  }

  private static InferTensorContents uints(int... values) {
    var contents = InferTensorContents.newBuilder();
    for (int value : values) {
      contents.addUintContents(value);
    }
    return contents.build();
  }

  static byte[] littleEndian(int size, Consumer<ByteBuffer> writer) {
    ByteBuffer data = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    writer.accept(data);
    return data.array();
  }

  static byte[] bytes(ByteBuffer data) {
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    return copy;
  }
}
