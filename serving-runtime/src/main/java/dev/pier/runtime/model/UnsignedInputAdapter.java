package dev.pier.runtime.model;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.pier.runtime.model.onnx.OnnxSubset.AttributeProto;
import dev.pier.runtime.model.onnx.OnnxSubset.GraphProto;
import dev.pier.runtime.model.onnx.OnnxSubset.ModelProto;
import dev.pier.runtime.model.onnx.OnnxSubset.NodeProto;
import dev.pier.runtime.model.onnx.OnnxSubset.OperatorSetIdProto;
import dev.pier.runtime.model.onnx.OnnxSubset.SparseTensorProto;
import dev.pier.runtime.model.onnx.OnnxSubset.TensorProto;
import dev.pier.runtime.model.onnx.OnnxSubset.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites an ONNX model so that ONNX Runtime's Java API can feed its unsigned 16, 32 and 64-bit
 * inputs, which it cannot create tensors for.
 *
 * <p>Each adapted graph input keeps its name but is declared with the signed type of the same
 * width, and a {@code Cast} to the original unsigned type, placed first in the graph, feeds every
 * node that consumed the input, in subgraphs too. ONNX Runtime's integer {@code Cast} is a {@code
 * static_cast}, so a signed tensor carrying the wire bytes unchanged (see {@code
 * DataType.inputCarrier()}) comes out of the {@code Cast} as exactly the unsigned values the caller
 * sent, and the rest of the graph sees the types it was written for.
 *
 * <p>The model is parsed with {@code onnx_subset.proto}, which declares only the fields read or
 * changed here; protobuf keeps all other fields as unknown fields and writes them back, so
 * initializers, external-data references, metadata, functions and opsets are preserved.
 *
 * <p>Refused, with a {@link ModelLoadException}: an input that is also a graph output under the
 * same name (see {@link #adaptInput}), an input with an initializer (a default value), and models
 * importing an ONNX opset older than 6, whose {@code Cast} takes its target type as a string.
 * Consumers in {@code ModelProto.training_info} graphs are not renamed: ONNX Runtime's inference
 * sessions do not run them.
 */
final class UnsignedInputAdapter {
  // TensorProto.DataType codes in onnx.proto.
  private static final int UINT16 = 4;
  private static final int INT16 = 5;
  private static final int INT32 = 6;
  private static final int INT64 = 7;
  private static final int UINT32 = 12;
  private static final int UINT64 = 13;

  private static final int ATTRIBUTE_TYPE_INT = 2; // AttributeProto.AttributeType.INT
  private static final long FIRST_OPSET_WITH_INTEGER_CAST_TARGET = 6;
  private static final String CAST_OUTPUT_SUFFIX = "__pier_unsigned";

  private UnsignedInputAdapter() {}

  /**
   * Returns the model with the named graph inputs adapted.
   *
   * @param model a serialized ONNX {@code ModelProto}
   * @param inputNames graph inputs of type UINT16, UINT32 or UINT64 to declare as the signed type
   * @throws ModelLoadException if the bytes are not a model, a name is not a graph input, an input
   *     is not an unsigned 16/32/64-bit tensor, or the input cannot be adapted (see the class
   *     comment)
   */
  static byte[] adapt(byte[] model, Set<String> inputNames) throws ModelLoadException {
    ModelProto parsed;
    try {
      parsed = ModelProto.parseFrom(model);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelLoadException("the model is not a valid ONNX protobuf: " + e.getMessage(), e);
    }
    if (!parsed.hasGraph()) {
      throw new ModelLoadException("the model has no graph");
    }
    if (inputNames.isEmpty()) {
      return model;
    }
    checkCastIsAvailable(parsed);

    Set<String> remaining = new LinkedHashSet<>(inputNames);
    Set<String> takenNames = new HashSet<>();
    collectNames(parsed.getGraph(), takenNames);
    ModelProto.Builder builder = parsed.toBuilder();
    GraphProto.Builder graph = builder.getGraphBuilder();
    List<NodeProto> casts = new ArrayList<>(inputNames.size());
    // Graph order, not the set's order, so the fresh names do not depend on the caller's set.
    for (ValueInfoProto.Builder input : graph.getInputBuilderList()) {
      if (remaining.remove(input.getName())) {
        casts.add(adaptInput(graph, input, takenNames));
      }
    }
    if (!remaining.isEmpty()) {
      throw new ModelLoadException(
          "cannot adapt unsigned inputs " + remaining + ": the model graph has no such inputs");
    }
    for (int i = 0; i < casts.size(); i++) {
      // First in the node list, so the graph stays topologically sorted.
      graph.addNode(i, casts.get(i));
    }
    return builder.build().toByteArray();
  }

  /**
   * Declares one input as the signed type, redirects its consumers to a new Cast output and returns
   * that Cast.
   *
   * <p>An input that is also a graph output under its own name is refused. ONNX gives each value
   * one name and one producer, so that output is the input value itself: once the input is signed
   * the output is too, and keeping the output unsigned would need it renamed, which callers would
   * see just as they would see a renamed input. Serving it with a silently changed output type
   * would be worse than refusing to load, since large values would read back as negative numbers.
   */
  private static NodeProto adaptInput(
      GraphProto.Builder graph, ValueInfoProto.Builder input, Set<String> takenNames)
      throws ModelLoadException {
    String name = input.getName();
    int unsignedType = input.getType().getTensorType().getElemType();
    int signedType =
        switch (unsignedType) {
          case UINT16 -> INT16;
          case UINT32 -> INT32;
          case UINT64 -> INT64;
          default -> 0;
        };
    if (signedType == 0) {
      throw new ModelLoadException(
          "input '"
              + name
              + "' is not a UINT16, UINT32 or UINT64 tensor (ONNX element type "
              + unsignedType
              + "), so there is nothing to adapt");
    }
    if (initializes(graph, name)) {
      throw new ModelLoadException(
          "unsigned input '"
              + name
              + "' has an initializer as its default value; such inputs cannot be adapted for"
              + " ONNX Runtime's Java API");
    }
    for (ValueInfoProto output : graph.getOutputList()) {
      if (output.getName().equals(name)) {
        throw new ModelLoadException(
            "unsigned input '"
                + name
                + "' is also a graph output of the same name; ONNX Runtime's Java API cannot feed"
                + " it and it cannot be adapted without changing the output's type or name (route"
                + " it through an Identity node in the model)");
      }
    }

    String castOutput = freshName(name + CAST_OUTPUT_SUFFIX, takenNames);
    input.getTypeBuilder().getTensorTypeBuilder().setElemType(signedType);
    for (NodeProto.Builder node : graph.getNodeBuilderList()) {
      renameInputs(node, name, castOutput);
    }
    // A value_info entry for the input describes the unsigned value, which the Cast now produces.
    for (ValueInfoProto.Builder valueInfo : graph.getValueInfoBuilderList()) {
      if (valueInfo.getName().equals(name)) {
        valueInfo.setName(castOutput);
      }
    }
    return NodeProto.newBuilder()
        .setName(castOutput)
        .setOpType("Cast")
        .addInput(name)
        .addOutput(castOutput)
        .addAttribute(
            AttributeProto.newBuilder()
                .setName("to")
                .setType(ATTRIBUTE_TYPE_INT)
                .setI(unsignedType))
        .build();
  }

  /**
   * Refuses models whose ONNX opset predates the integer {@code to} attribute of {@code Cast}. A
   * model that imports no ONNX opset at all is fine: ONNX Runtime imports its newest one for it.
   */
  private static void checkCastIsAvailable(ModelProto model) throws ModelLoadException {
    for (OperatorSetIdProto opset : model.getOpsetImportList()) {
      boolean onnxDomain = opset.getDomain().isEmpty() || opset.getDomain().equals("ai.onnx");
      if (onnxDomain && opset.getVersion() < FIRST_OPSET_WITH_INTEGER_CAST_TARGET) {
        throw new ModelLoadException(
            "the model imports ONNX opset "
                + opset.getVersion()
                + "; adapting its unsigned inputs needs opset "
                + FIRST_OPSET_WITH_INTEGER_CAST_TARGET
                + " or later");
      }
    }
  }

  /** Renames {@code from} in a node's inputs and in the subgraphs of its attributes. */
  private static void renameInputs(NodeProto.Builder node, String from, String to) {
    for (int i = 0; i < node.getInputCount(); i++) {
      if (node.getInput(i).equals(from)) {
        node.setInput(i, to);
      }
    }
    for (AttributeProto.Builder attribute : node.getAttributeBuilderList()) {
      if (attribute.hasG()) {
        renameOuterReferences(attribute.getGBuilder(), from, to);
      }
      for (GraphProto.Builder subgraph : attribute.getGraphsBuilderList()) {
        renameOuterReferences(subgraph, from, to);
      }
    }
  }

  /**
   * Renames references to an outer-scope value inside a subgraph (an If branch, a Loop or Scan
   * body). Subgraph outputs and value_info are renamed too: subgraph outputs are matched by
   * position, so their names are invisible to callers. (ONNX Runtime 1.28 refuses a subgraph that
   * returns an outer value directly, but the ONNX spec allows it.) A subgraph that defines the name
   * itself shadows the outer value, and nothing in it or below it refers to the outer one.
   */
  private static void renameOuterReferences(GraphProto.Builder subgraph, String from, String to) {
    if (defines(subgraph, from)) {
      return;
    }
    for (NodeProto.Builder node : subgraph.getNodeBuilderList()) {
      renameInputs(node, from, to);
    }
    for (ValueInfoProto.Builder output : subgraph.getOutputBuilderList()) {
      if (output.getName().equals(from)) {
        output.setName(to);
      }
    }
    for (ValueInfoProto.Builder valueInfo : subgraph.getValueInfoBuilderList()) {
      if (valueInfo.getName().equals(from)) {
        valueInfo.setName(to);
      }
    }
  }

  private static boolean defines(GraphProto.Builder graph, String name) {
    for (ValueInfoProto input : graph.getInputList()) {
      if (input.getName().equals(name)) {
        return true;
      }
    }
    for (NodeProto node : graph.getNodeList()) {
      if (node.getOutputList().contains(name)) {
        return true;
      }
    }
    return initializes(graph, name);
  }

  private static boolean initializes(GraphProto.Builder graph, String name) {
    for (TensorProto initializer : graph.getInitializerList()) {
      if (initializer.getName().equals(name)) {
        return true;
      }
    }
    for (SparseTensorProto initializer : graph.getSparseInitializerList()) {
      if (initializer.getValues().getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Collects every value and node name in a graph and its subgraphs. A fresh name is kept clear of
   * node names too, because the Cast node is named after its output.
   */
  private static void collectNames(GraphProto graph, Set<String> names) {
    for (ValueInfoProto value : graph.getInputList()) {
      names.add(value.getName());
    }
    for (ValueInfoProto value : graph.getOutputList()) {
      names.add(value.getName());
    }
    for (ValueInfoProto value : graph.getValueInfoList()) {
      names.add(value.getName());
    }
    for (TensorProto initializer : graph.getInitializerList()) {
      names.add(initializer.getName());
    }
    for (SparseTensorProto initializer : graph.getSparseInitializerList()) {
      names.add(initializer.getValues().getName());
    }
    for (NodeProto node : graph.getNodeList()) {
      names.add(node.getName());
      names.addAll(node.getInputList());
      names.addAll(node.getOutputList());
      for (AttributeProto attribute : node.getAttributeList()) {
        if (attribute.hasG()) {
          collectNames(attribute.getG(), names);
        }
        for (GraphProto subgraph : attribute.getGraphsList()) {
          collectNames(subgraph, names);
        }
      }
    }
  }

  private static String freshName(String base, Set<String> takenNames) {
    String candidate = base;
    for (int suffix = 2; !takenNames.add(candidate); suffix++) {
      candidate = base + "_" + suffix;
    }
    return candidate;
  }
}
