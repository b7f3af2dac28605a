package dev.pier.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.pier.runtime.model.onnx.OnnxSubset.AttributeProto;
import dev.pier.runtime.model.onnx.OnnxSubset.GraphProto;
import dev.pier.runtime.model.onnx.OnnxSubset.ModelProto;
import dev.pier.runtime.model.onnx.OnnxSubset.NodeProto;
import dev.pier.runtime.model.onnx.OnnxSubset.OperatorSetIdProto;
import dev.pier.runtime.model.onnx.OnnxSubset.TensorProto;
import dev.pier.runtime.model.onnx.OnnxSubset.TypeProto;
import dev.pier.runtime.model.onnx.OnnxSubset.ValueInfoProto;
import dev.pier.runtime.tensor.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnsignedInputAdapterTest {
  // TensorProto.DataType codes.
  private static final int BOOL = 9;
  private static final int FLOAT = 1;
  private static final int INT64 = 7;
  private static final int UINT16 = 4;
  private static final int UINT32 = 12;
  private static final int UINT64 = 13;
  private static final int ATTRIBUTE_TYPE_GRAPH = 5;

  // Fields of onnx.proto that onnx_subset.proto leaves out; the tests write them as raw fields,
  // which also proves that what the subset does not declare survives the rewrite.
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_PRODUCER_NAME = 2;
  private static final int MODEL_METADATA_PROPS = 14;
  private static final int GRAPH_NAME = 2;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;
  private static final int TENSOR_TYPE_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIMENSION_PARAM = 2;
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_RAW_DATA = 9;

  private static final long TWO_TO_THE_63_PLUS_5 = Long.MIN_VALUE + 5;

  private final OrtEnvironment environment = OrtEnvironment.getEnvironment();

  @Test
  void uint64InputReceivesTheUnsignedBitsThroughItsSignedCarrier() throws Exception {
    byte[] model = identityModel(UINT64);

    byte[] adapted = UnsignedInputAdapter.adapt(model, Set.of("input"));

    ByteBuffer output =
        runOne(
            adapted,
            Map.of("input", input(DataType.UINT64, TWO_TO_THE_63_PLUS_5, -1L, 7L)),
            OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64);
    assertThat(output.getLong(0)).isEqualTo(TWO_TO_THE_63_PLUS_5);
    assertThat(Long.toUnsignedString(output.getLong(8))).isEqualTo("18446744073709551615");
    assertThat(output.getLong(16)).isEqualTo(7L);
  }

  @Test
  void uint32InputReceivesTheUnsignedBitsThroughItsSignedCarrier() throws Exception {
    byte[] adapted = UnsignedInputAdapter.adapt(identityModel(UINT32), Set.of("input"));

    ByteBuffer output =
        runOne(
            adapted,
            Map.of("input", input(DataType.UINT32, 4_000_000_000L, 1L)),
            OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32);
    assertThat(Integer.toUnsignedLong(output.getInt(0))).isEqualTo(4_000_000_000L);
    assertThat(output.getInt(4)).isEqualTo(1);
  }

  @Test
  void uint16InputReceivesTheUnsignedBitsThroughItsSignedCarrier() throws Exception {
    byte[] adapted = UnsignedInputAdapter.adapt(identityModel(UINT16), Set.of("input"));

    ByteBuffer output =
        runOne(
            adapted,
            Map.of("input", input(DataType.UINT16, 65535L, 32768L)),
            OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16);
    assertThat(Short.toUnsignedInt(output.getShort(0))).isEqualTo(65535);
    assertThat(Short.toUnsignedInt(output.getShort(2))).isEqualTo(32768);
  }

  @Test
  void adaptedInputsKeepTheirNamesAndShapeAndTakeTheSignedType() throws Exception {
    GraphProto graph =
        GraphProto.newBuilder()
            .addNode(node("Add", List.of("a", "b"), List.of("sum")))
            .addInput(tensor("a", UINT32))
            .addInput(tensor("b", UINT32))
            .addOutput(tensor("sum", UINT32))
            .build();

    byte[] adapted = UnsignedInputAdapter.adapt(model(graph), Set.of("a", "b"));

    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = environment.createSession(adapted, options)) {
      Map<String, NodeInfo> inputs = session.getInputInfo();
      assertThat(inputs).containsOnlyKeys("a", "b");
      for (NodeInfo info : inputs.values()) {
        TensorInfo tensor = (TensorInfo) info.getInfo();
        assertThat(tensor.onnxType).isEqualTo(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32);
        assertThat(tensor.getShape()).containsExactly(-1L);
      }
    }
    ByteBuffer sum =
        runOne(
            adapted,
            Map.of(
                "a", input(DataType.UINT32, 4_000_000_000L),
                "b", input(DataType.UINT32, 200_000_000L)),
            OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32);
    assertThat(Integer.toUnsignedLong(sum.getInt(0))).isEqualTo(4_200_000_000L);
  }

  @Test
  void keepsMetadataInitializersAndFieldsTheSubsetDoesNotDeclare() throws Exception {
    ByteBuffer bias = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 10L);
    TensorProto biasInitializer =
        TensorProto.newBuilder()
            .setName("bias")
            .setUnknownFields(
                new RawFields()
                    .varint(TENSOR_DIMS, 1)
                    .varint(TENSOR_DATA_TYPE, UINT64)
                    .bytes(TENSOR_RAW_DATA, ByteString.copyFrom(bias.array()))
                    .build())
            .build();
    GraphProto graph =
        GraphProto.newBuilder()
            .addNode(node("Add", List.of("input", "bias"), List.of("output")))
            .addInitializer(biasInitializer)
            .addInput(tensor("input", UINT64))
            .addOutput(tensor("output", UINT64))
            .build();
    byte[] model =
        ModelProto.newBuilder()
            .setGraph(graph)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
            .setUnknownFields(
                new RawFields()
                    .varint(MODEL_IR_VERSION, 8)
                    .string(MODEL_PRODUCER_NAME, "pier-test")
                    .message(
                        MODEL_METADATA_PROPS,
                        new RawFields().string(ENTRY_KEY, "pier.labels").string(ENTRY_VALUE, "[]"))
                    .build())
            .build()
            .toByteArray();

    byte[] adapted = UnsignedInputAdapter.adapt(model, Set.of("input"));

    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = environment.createSession(adapted, options)) {
      assertThat(session.getMetadata().getCustomMetadata()).containsEntry("pier.labels", "[]");
      assertThat(session.getMetadata().getProducerName()).isEqualTo("pier-test");
    }
    ByteBuffer output =
        runOne(
            adapted,
            Map.of("input", input(DataType.UINT64, TWO_TO_THE_63_PLUS_5)),
            OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64);
    assertThat(output.getLong(0)).isEqualTo(TWO_TO_THE_63_PLUS_5 + 10);
  }

  @Test
  void renamesConsumersInsideIfBranches() throws Exception {
    GraphProto thenBranch =
        subgraph("then")
            .addNode(node("Identity", List.of("input"), List.of("then_out")))
            .addOutput(tensor("then_out", UINT64))
            .build();
    GraphProto elseBranch =
        subgraph("else")
            .addNode(node("Add", List.of("input", "input"), List.of("else_out")))
            .addOutput(tensor("else_out", UINT64))
            .build();
    GraphProto graph =
        GraphProto.newBuilder()
            .addNode(
                node("If", List.of("condition"), List.of("output"))
                    .addAttribute(graphAttribute("then_branch", thenBranch))
                    .addAttribute(graphAttribute("else_branch", elseBranch)))
            .addInput(tensor("condition", BOOL, false))
            .addInput(tensor("input", UINT64))
            .addOutput(tensor("output", UINT64))
            .build();

    byte[] adapted = UnsignedInputAdapter.adapt(model(graph), Set.of("input"));

    long value = TWO_TO_THE_63_PLUS_5 >>> 1;
    assertThat(runIf(adapted, true, value)).isEqualTo(value);
    assertThat(runIf(adapted, false, value)).isEqualTo(value * 2);
  }

  private long runIf(byte[] model, boolean condition, long value) throws OrtException {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    feeds.put("condition", OnnxTensor.createTensor(environment, condition));
    feeds.put("input", input(DataType.UINT64, value));
    return runOne(model, feeds, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64).getLong(0);
  }

  @Test
  void leavesASubgraphThatShadowsTheInputNameReferringToItsOwnValue() throws Exception {
    // The Loop body's loop-carried input is also called "input". Each iteration doubles the carried
    // value, so two iterations quadruple it; had the body been pointed at the outer input, both
    // iterations would double the original and the result would be twice the input.
    GraphProto body =
        subgraph("body")
            .addNode(node("Identity", List.of("condition_in"), List.of("condition_out")))
            .addNode(node("Add", List.of("input", "input"), List.of("doubled")))
            .addInput(tensor("iteration", INT64, false))
            .addInput(tensor("condition_in", BOOL, false))
            .addInput(tensor("input", UINT64))
            .addOutput(tensor("condition_out", BOOL, false))
            .addOutput(tensor("doubled", UINT64))
            .build();
    GraphProto graph =
        GraphProto.newBuilder()
            .addNode(
                node("Loop", List.of("trips", "", "input"), List.of("output"))
                    .addAttribute(graphAttribute("body", body)))
            .addInput(tensor("trips", INT64, false))
            .addInput(tensor("input", UINT64))
            .addOutput(tensor("output", UINT64))
            .build();

    byte[] adapted = UnsignedInputAdapter.adapt(model(graph), Set.of("input"));

    Map<String, OnnxTensor> feeds = new HashMap<>();
    feeds.put("trips", OnnxTensor.createTensor(environment, 2L));
    feeds.put("input", input(DataType.UINT64, TWO_TO_THE_63_PLUS_5 >>> 2));
    ByteBuffer output = runOne(adapted, feeds, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64);
    assertThat(output.getLong(0)).isEqualTo((TWO_TO_THE_63_PLUS_5 >>> 2) * 4);
  }

  @Test
  void picksACastOutputNameThatNoExistingValueUses() throws Exception {
    GraphProto graph =
        GraphProto.newBuilder()
            .addNode(node("Identity", List.of("input"), List.of("input__pier_unsigned")))
            .addNode(
                node(
                    "Identity", List.of("input__pier_unsigned"), List.of("input__pier_unsigned_2")))
            .addInput(tensor("input", UINT64))
            .addOutput(tensor("input__pier_unsigned_2", UINT64))
            .build();

    byte[] adapted = UnsignedInputAdapter.adapt(model(graph), Set.of("input"));

    NodeProto cast = ModelProto.parseFrom(adapted).getGraph().getNode(0);
    assertThat(cast.getOpType()).isEqualTo("Cast");
    assertThat(cast.getOutputList()).containsExactly("input__pier_unsigned_3");
    ByteBuffer output =
        runOne(
            adapted,
            Map.of("input", input(DataType.UINT64, -1L)),
            OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64);
    assertThat(output.getLong(0)).isEqualTo(-1L);
  }

  @Test
  void castResolvesInAModelThatImportsNoOnnxOpset() throws Exception {
    byte[] model =
        ModelProto.parseFrom(identityModel(UINT64)).toBuilder()
            .clearOpsetImport()
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(3))
            .build()
            .toByteArray();

    byte[] adapted = UnsignedInputAdapter.adapt(model, Set.of("input"));

    ByteBuffer output =
        runOne(
            adapted,
            Map.of("input", input(DataType.UINT64, -1L)),
            OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64);
    assertThat(output.getLong(0)).isEqualTo(-1L);
  }

  @Test
  void rejectsAModelWhoseOpsetPredatesIntegerCastTargets() throws Exception {
    byte[] model =
        ModelProto.parseFrom(identityModel(UINT64)).toBuilder()
            .setOpsetImport(0, OperatorSetIdProto.newBuilder().setDomain("").setVersion(5))
            .build()
            .toByteArray();

    assertThatThrownBy(() -> UnsignedInputAdapter.adapt(model, Set.of("input")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("opset 5");
  }

  @Test
  void rejectsAnInputWithADefaultValueInitializer() throws Exception {
    GraphProto graph =
        ModelProto.parseFrom(identityModel(UINT64)).getGraph().toBuilder()
            .addInitializer(TensorProto.newBuilder().setName("input"))
            .build();

    assertThatThrownBy(() -> UnsignedInputAdapter.adapt(model(graph), Set.of("input")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("initializer");
  }

  @Test
  void rejectsAnInputTheGraphDoesNotHave() {
    assertThatThrownBy(() -> UnsignedInputAdapter.adapt(identityModel(UINT64), Set.of("missing")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("missing")
        .hasMessageContaining("no such input");
  }

  @Test
  void rejectsAnInputThatIsNotUnsigned() {
    assertThatThrownBy(() -> UnsignedInputAdapter.adapt(identityModel(FLOAT), Set.of("input")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'input'")
        .hasMessageContaining("not a UINT16, UINT32 or UINT64 tensor");
  }

  @Test
  void rejectsAnInputThatIsAlsoAGraphOutputOfTheSameName() {
    GraphProto graph =
        GraphProto.newBuilder()
            .addInput(tensor("input", UINT64))
            .addOutput(tensor("input", UINT64))
            .build();

    assertThatThrownBy(() -> UnsignedInputAdapter.adapt(model(graph), Set.of("input")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("also a graph output");
  }

  @Test
  void rejectsBytesThatAreNotAModel() {
    byte[] model = identityModel(UINT64);
    byte[] truncated = Arrays.copyOf(model, model.length - 3);

    assertThatThrownBy(() -> UnsignedInputAdapter.adapt(truncated, Set.of("input")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("not a valid ONNX protobuf");
    assertThatThrownBy(
            () ->
                UnsignedInputAdapter.adapt(
                    "not a model".getBytes(StandardCharsets.US_ASCII), Set.of("input")))
        .isInstanceOf(ModelLoadException.class);
  }

  /** Runs a model with one output, checks the output's type and returns its bytes. */
  private ByteBuffer runOne(
      byte[] model, Map<String, OnnxTensor> feeds, OnnxTensorType expectedType)
      throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = environment.createSession(model, options);
        OrtSession.Result result = session.run(feeds)) {
      OnnxValue value = result.get(0);
      OnnxTensor tensor = (OnnxTensor) value;
      assertThat(tensor.getInfo().onnxType).isEqualTo(expectedType);
      return tensor.getByteBuffer().order(ByteOrder.nativeOrder());
    } finally {
      for (OnnxTensor feed : feeds.values()) {
        feed.close();
      }
    }
  }

  /** An input tensor as the runtime builds it: the wire bytes, handed over as the carrier type. */
  private OnnxTensor input(DataType type, long... values) throws OrtException {
    ByteBuffer data =
        ByteBuffer.allocateDirect(values.length * type.byteWidth()).order(ByteOrder.nativeOrder());
    for (long value : values) {
      switch (type.byteWidth()) {
        case 2 -> data.putShort((short) value);
        case 4 -> data.putInt((int) value);
        default -> data.putLong(value);
      }
    }
    return OnnxTensor.createTensor(
        environment, data.flip(), new long[] {values.length}, type.inputCarrier());
  }

  private static byte[] identityModel(int elementType) {
    return model(
        GraphProto.newBuilder()
            .addNode(node("Identity", List.of("input"), List.of("output")))
            .addInput(tensor("input", elementType))
            .addOutput(tensor("output", elementType))
            .build());
  }

  private static byte[] model(GraphProto graph) {
    return ModelProto.newBuilder()
        .setGraph(graph)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setUnknownFields(new RawFields().varint(MODEL_IR_VERSION, 8).build())
        .build()
        .toByteArray();
  }

  private static NodeProto.Builder node(String opType, List<String> inputs, List<String> outputs) {
    return NodeProto.newBuilder()
        .setName(opType + "_" + outputs.getFirst())
        .setOpType(opType)
        .addAllInput(inputs)
        .addAllOutput(outputs);
  }

  /** A subgraph builder with the name ONNX Runtime requires of subgraphs. */
  private static GraphProto.Builder subgraph(String name) {
    return GraphProto.newBuilder()
        .setUnknownFields(new RawFields().string(GRAPH_NAME, name).build());
  }

  private static AttributeProto graphAttribute(String name, GraphProto graph) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(ATTRIBUTE_TYPE_GRAPH)
        .setG(graph)
        .build();
  }

  /** A tensor of shape [N]. */
  private static ValueInfoProto tensor(String name, int elementType) {
    return tensor(name, elementType, true);
  }

  /** A tensor of shape [N], or a scalar. */
  private static ValueInfoProto tensor(String name, int elementType, boolean vector) {
    TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(elementType);
    RawFields shape = new RawFields();
    if (vector) {
      shape.message(SHAPE_DIM, new RawFields().string(DIMENSION_PARAM, "N"));
    }
    tensor.setUnknownFields(new RawFields().message(TENSOR_TYPE_SHAPE, shape).build());
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(tensor))
        .build();
  }

  /** Writes protobuf fields by number, for the parts of onnx.proto the subset leaves out. */
  private static final class RawFields {
    private final UnknownFieldSet.Builder fields = UnknownFieldSet.newBuilder();

    RawFields varint(int number, long value) {
      fields.mergeField(number, UnknownFieldSet.Field.newBuilder().addVarint(value).build());
      return this;
    }

    RawFields bytes(int number, ByteString value) {
      fields.mergeField(
          number, UnknownFieldSet.Field.newBuilder().addLengthDelimited(value).build());
      return this;
    }

    RawFields string(int number, String value) {
      return bytes(number, ByteString.copyFromUtf8(value));
    }

    RawFields message(int number, RawFields message) {
      return bytes(number, message.build().toByteString());
    }

    UnknownFieldSet build() {
      return fields.build();
    }
  }
}
