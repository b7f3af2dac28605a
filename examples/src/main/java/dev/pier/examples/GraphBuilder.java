package dev.pier.examples;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.tribuo.ONNXExportable;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * Assembles one ONNX model from named inputs, initializers, nodes and outputs. Tribuo's own export
 * fixes the input and output names and takes a single float input, so trained Tribuo graphs are
 * spliced in here ({@link #linearModel}) between Pier's named inputs and outputs instead.
 */
final class GraphBuilder {
  /** The symbolic name of every model's first dimension, which is what lets requests batch. */
  static final String BATCH = "batch";

  private static final String LABELS_PROPERTY = "pier.labels";

  private static final String MACHINE_LEARNING_DOMAIN = "ai.onnx.ml";

  /** The IR version released together with opset 13, the opset Tribuo writes its operators in. */
  private static final long IR_VERSION = 7;

  private final OnnxMl.GraphProto.Builder graph;
  private boolean usesMachineLearningOperators;

  GraphBuilder(String name) {
    graph = OnnxMl.GraphProto.newBuilder().setName(name);
  }

  /** A tensor dimension: a fixed size, or a symbolic name whose size each request chooses. */
  record Dimension(long size, String name) {
    static Dimension batch() {
      return named(BATCH);
    }

    static Dimension named(String name) {
      return new Dimension(-1, name);
    }

    static Dimension fixed(long size) {
      return new Dimension(size, null);
    }

    OnnxMl.TensorShapeProto.Dimension proto() {
      OnnxMl.TensorShapeProto.Dimension.Builder dimension =
          OnnxMl.TensorShapeProto.Dimension.newBuilder();
      return name == null
          ? dimension.setDimValue(size).build()
          : dimension.setDimParam(name).build();
    }
  }

  GraphBuilder input(String name, DataType type, Dimension... shape) {
    graph.addInput(valueInfo(name, type, shape));
    return this;
  }

  GraphBuilder output(String name, DataType type, Dimension... shape) {
    graph.addOutput(valueInfo(name, type, shape));
    return this;
  }

  /** Adds a float constant, stored as little-endian raw data as ONNX requires, and names it. */
  String initializer(String name, float[] values, long... dimensions) {
    ByteBuffer bytes =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    graph.addInitializer(
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(DataType.FLOAT.getNumber())
            .addAllDims(Arrays.stream(dimensions).boxed().toList())
            .setRawData(ByteString.copyFrom(bytes)));
    return name;
  }

  /** Adds an operator from the default ONNX domain; returns the name of its output. */
  String node(
      String operator, List<String> inputs, String output, OnnxMl.AttributeProto... attributes) {
    graph.addNode(nodeProto(operator, "", inputs, output, attributes));
    return output;
  }

  /** Adds an operator from the ai.onnx.ml domain (encoders of strings and categories). */
  String machineLearningNode(
      String operator, List<String> inputs, String output, OnnxMl.AttributeProto... attributes) {
    usesMachineLearningOperators = true;
    graph.addNode(nodeProto(operator, MACHINE_LEARNING_DOMAIN, inputs, output, attributes));
    return output;
  }

  /**
   * Lets a trained Tribuo model write its graph reading from {@code input}, a [batch, width] float
   * tensor of this graph, and returns the name of the tensor it produces.
   */
  String linearModel(ONNXExportable model, String input, int width) {
    ONNXContext context = new ONNXContext();
    ONNXNode output = model.writeONNXGraph(context.floatInput(input, width));
    OnnxMl.GraphProto written = context.buildGraph();
    graph.addAllInitializer(written.getInitializerList());
    graph.addAllNode(written.getNodeList());
    return output.getReference();
  }

  /**
   * Declares a classifier's two outputs from its class probabilities: {@code probabilities} [batch,
   * classes] and {@code label} [batch], the index of the most probable class.
   */
  void classifierOutputs(String probabilities, int classes) {
    node("Identity", List.of(probabilities), "probabilities");
    node("ArgMax", List.of(probabilities), "label", attribute("axis", 1), attribute("keepdims", 0));
    output("probabilities", DataType.FLOAT, Dimension.batch(), Dimension.fixed(classes));
    output("label", DataType.INT64, Dimension.batch());
  }

  /**
   * The finished model. Labels, when given, are stored as a JSON array under {@value
   * #LABELS_PROPERTY}, where a serving runtime finds them without any side file.
   */
  OnnxMl.ModelProto build(String description, List<String> labels) {
    OnnxMl.ModelProto.Builder model =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("pier-examples")
            .setDomain("dev.pier.examples")
            .setModelVersion(1)
            .setDocString(description)
            .addOpsetImport(ONNXOperators.getOpsetProto())
            .setGraph(graph);
    if (usesMachineLearningOperators) {
      model.addOpsetImport(
          OnnxMl.OperatorSetIdProto.newBuilder().setDomain(MACHINE_LEARNING_DOMAIN).setVersion(1));
    }
    if (!labels.isEmpty()) {
      model.addMetadataProps(
          OnnxMl.StringStringEntryProto.newBuilder()
              .setKey(LABELS_PROPERTY)
              .setValue(Json.stringArray(labels)));
    }
    return model.build();
  }

  static OnnxMl.AttributeProto attribute(String name, long value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  static OnnxMl.AttributeProto attribute(String name, List<String> values) {
    OnnxMl.AttributeProto.Builder attribute =
        OnnxMl.AttributeProto.newBuilder()
            .setName(name)
            .setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
    values.forEach(value -> attribute.addStrings(ByteString.copyFromUtf8(value)));
    return attribute.build();
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, DataType type, Dimension... shape) {
    OnnxMl.TensorShapeProto.Builder shapeProto = OnnxMl.TensorShapeProto.newBuilder();
    for (Dimension dimension : shape) {
      shapeProto.addDim(dimension.proto());
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber())
                        .setShape(shapeProto)))
        .build();
  }

  private static OnnxMl.NodeProto nodeProto(
      String operator,
      String domain,
      List<String> inputs,
      String output,
      OnnxMl.AttributeProto... attributes) {
    return OnnxMl.NodeProto.newBuilder()
        .setName(output)
        .setOpType(operator)
        .setDomain(domain)
        .addAllInput(inputs)
        .addOutput(output)
        .addAllAttribute(List.of(attributes))
        .build();
  }
}
