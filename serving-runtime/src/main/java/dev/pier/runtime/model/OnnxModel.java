package dev.pier.runtime.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.pier.runtime.tensor.DataType;
import dev.pier.runtime.tensor.Parameters;
import dev.pier.runtime.tensor.Tensor;
import dev.pier.runtime.tensor.TensorSpec;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session and the schema read from it.
 *
 * <p>Thread-safe: ONNX Runtime allows concurrent {@code run} calls on one session. {@link #close()}
 * must only be called once no run is in flight; {@link ServedModel} guarantees that.
 */
final class OnnxModel implements AutoCloseable {
  /** The metadata key under which Pier's generators store class labels as a JSON array. */
  static final String LABELS_PROPERTY = "pier.labels";

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final Map<String, String> properties;

  private OnnxModel(
      OrtEnvironment environment,
      OrtSession session,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs,
      Map<String, String> properties) {
    this.environment = environment;
    this.session = session;
    this.inputs = inputs;
    this.outputs = outputs;
    this.properties = properties;
  }

  /**
   * Opens a model file. Models whose inputs are unsigned 16/32/64-bit integers are rewritten first
   * (see {@link UnsignedInputAdapter}) because ONNX Runtime's Java API cannot create such tensors.
   *
   * @throws ModelLoadException with a reason fit for the repository index
   */
  static OnnxModel open(OrtEnvironment environment, Path file, ModelConfig config)
      throws ModelLoadException {
    try (OrtSession.SessionOptions options = sessionOptions(config)) {
      OrtSession session = environment.createSession(file.toString(), options);
      Map<String, DataType> unsignedInputs = unsignedInputs(session);
      if (!unsignedInputs.isEmpty()) {
        session.close();
        byte[] adapted =
            UnsignedInputAdapter.adapt(Files.readAllBytes(file), unsignedInputs.keySet());
        session = environment.createSession(adapted, options);
      }
      try {
        return new OnnxModel(
            environment,
            session,
            specs(session.getInputInfo(), unsignedInputs, "input"),
            specs(session.getOutputInfo(), Map.of(), "output"),
            Map.copyOf(session.getMetadata().getCustomMetadata()));
      } catch (ModelLoadException | RuntimeException e) {
        session.close();
        throw e;
      }
    } catch (OrtException e) {
      throw new ModelLoadException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
    } catch (java.io.IOException e) {
      throw new ModelLoadException("cannot read model file: " + e.getMessage(), e);
    }
  }

  private static OrtSession.SessionOptions sessionOptions(ModelConfig config)
      throws OrtException, ModelLoadException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(config.intraOpThreads());
    options.setInterOpNumThreads(config.interOpThreads());
    options.setOptimizationLevel(
        switch (config.optimizationLevel()) {
          case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
          case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
          case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
          case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
        });
    if (config.executionProvider() == ModelConfig.ExecutionProvider.CUDA) {
      try {
        options.addCUDA(config.cudaDevice());
      } catch (OrtException | RuntimeException | LinkageError e) {
        options.close();
        throw new ModelLoadException(
            "the CUDA execution provider is not available (use the onnxruntime_gpu build with CUDA"
                + " 12 libraries, or set execution_provider to cpu): "
                + e.getMessage(),
            e);
      }
    }
    return options;
  }

  private static Map<String, DataType> unsignedInputs(OrtSession session) throws OrtException {
    Map<String, DataType> unsigned = new LinkedHashMap<>();
    for (Map.Entry<String, NodeInfo> entry : session.getInputInfo().entrySet()) {
      if (entry.getValue().getInfo() instanceof TensorInfo info) {
        DataType type = DataType.fromOnnx(info.onnxType).orElse(null);
        if (type == DataType.UINT16 || type == DataType.UINT32 || type == DataType.UINT64) {
          unsigned.put(entry.getKey(), type);
        }
      }
    }
    return unsigned;
  }

  private static List<TensorSpec> specs(
      Map<String, NodeInfo> nodes, Map<String, DataType> declaredTypes, String role)
      throws ModelLoadException {
    List<TensorSpec> specs = new ArrayList<>(nodes.size());
    for (Map.Entry<String, NodeInfo> entry : nodes.entrySet()) {
      String name = entry.getKey();
      if (!(entry.getValue().getInfo() instanceof TensorInfo info)) {
        if (role.equals("output")) {
          continue; // sequence or map outputs (e.g. ZipMap) are not part of the served schema
        }
        throw new ModelLoadException(
            "input '" + name + "' is not a tensor; only tensor inputs can be served");
      }
      DataType type = declaredTypes.get(name);
      if (type == null) {
        type =
            DataType.fromOnnx(info.onnxType)
                .orElseThrow(
                    () ->
                        new ModelLoadException(
                            role
                                + " '"
                                + name
                                + "' has element type "
                                + info.onnxType
                                + ", which the Open Inference Protocol cannot carry"));
      }
      specs.add(new TensorSpec(name, type, info.getShape().clone()));
    }
    if (specs.isEmpty()) {
      throw new ModelLoadException("the model has no tensor " + role + "s");
    }
    return List.copyOf(specs);
  }

  List<TensorSpec> inputs() {
    return inputs;
  }

  List<TensorSpec> outputs() {
    return outputs;
  }

  Map<String, String> properties() {
    return properties;
  }

  /**
   * Runs the model.
   *
   * @param orderedInputs validated inputs, one per model input
   * @param outputNames the outputs to compute, in the order to return them
   */
  List<Tensor> run(List<Tensor> orderedInputs, List<String> outputNames) throws OrtException {
    Map<String, OnnxTensor> feeds = new HashMap<>(orderedInputs.size() * 2);
    try {
      for (Tensor input : orderedInputs) {
        feeds.put(input.name(), toOnnx(input));
      }
      Set<String> requested = new LinkedHashSet<>(outputNames);
      try (OrtSession.Result result = session.run(feeds, requested)) {
        List<Tensor> tensors = new ArrayList<>(outputNames.size());
        for (String name : outputNames) {
          OnnxValue value = result.get(name).orElseThrow();
          tensors.add(fromOnnx(name, (OnnxTensor) value));
        }
        return tensors;
      }
    } finally {
      for (OnnxTensor tensor : feeds.values()) {
        tensor.close();
      }
    }
  }

  private OnnxTensor toOnnx(Tensor tensor) throws OrtException {
    if (tensor.datatype() == DataType.BYTES) {
      byte[][] elements = tensor.strings();
      String[] strings = new String[elements.length];
      for (int i = 0; i < elements.length; i++) {
        strings[i] = new String(elements[i], StandardCharsets.UTF_8);
      }
      return OnnxTensor.createTensor(environment, strings, tensor.shape());
    }
    ByteBuffer data = tensor.data();
    if (!data.isDirect()) {
      data = ByteBuffer.allocateDirect(data.remaining()).put(data.duplicate()).flip();
    }
    return OnnxTensor.createTensor(
        environment,
        data.order(ByteOrder.nativeOrder()),
        tensor.shape(),
        tensor.datatype().inputCarrier());
  }

  private static Tensor fromOnnx(String name, OnnxTensor value) throws OrtException {
    TensorInfo info = value.getInfo();
    long[] shape = info.getShape();
    DataType type =
        DataType.fromOnnx(info.onnxType)
            .orElseThrow(() -> new OrtException("output '" + name + "' has type " + info.onnxType));
    if (type == DataType.BYTES) {
      List<byte[]> strings = new ArrayList<>();
      flattenStrings(value.getValue(), strings);
      return Tensor.ofStrings(name, shape, strings.toArray(byte[][]::new), Parameters.EMPTY);
    }
    ByteBuffer data = value.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    return Tensor.ofFixedWidth(name, type, shape, data, Parameters.EMPTY);
  }

  private static void flattenStrings(Object value, List<byte[]> into) {
    if (value instanceof String text) {
      into.add(text.getBytes(StandardCharsets.UTF_8));
    } else if (value != null && value.getClass().isArray()) {
      int length = Array.getLength(value);
      for (int i = 0; i < length; i++) {
        flattenStrings(Array.get(value, i), into);
      }
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      // Closing frees native memory; a failure here leaves nothing a caller could act on.
    }
  }
}
