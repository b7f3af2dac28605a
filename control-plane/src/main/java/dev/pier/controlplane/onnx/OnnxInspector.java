package dev.pier.controlplane.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Opens a model file with ONNX Runtime to prove it loads and to read its schema. The rules are the
 * serving runtime's, so that a model the registry accepts is one a runtime can serve: every input
 * must be a tensor of an OIP datatype; outputs that are not tensors (e.g. ZipMap's maps) are left
 * out; there must be at least one tensor input and output.
 *
 * <p>The file is mapped and handed to ONNX Runtime as bytes, not as a path. So a model that refers
 * to external data files cannot reach other files on this machine: it fails to load instead (Pier
 * registers single-file models). Graph optimisation is off: loading is all that is needed, and it
 * keeps a hostile graph from making the optimiser do work.
 *
 * <p>Thread-safe; each call creates and closes its own session.
 */
@Component
public class OnnxInspector {
  private final OrtEnvironment environment =
      OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "pier-control-plane");

  /**
   * Loads the model in {@code file} and reads its schema.
   *
   * @throws PierException {@code INVALID_MODEL}, with ONNX Runtime's reason, if it does not load or
   *     cannot be served
   */
  public ModelSchema inspect(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size == 0) {
        throw invalid("the file is empty");
      }
      if (size > Integer.MAX_VALUE) {
        throw invalid("the file is larger than 2 GiB, more than a single-file ONNX model can be");
      }
      ByteBuffer model = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
      try (OrtSession.SessionOptions options = sessionOptions();
          OrtSession session = environment.createSession(model, options)) {
        return new ModelSchema(
            specs(session.getInputInfo(), "input"),
            specs(session.getOutputInfo(), "output"),
            session.getMetadata().getCustomMetadata());
      }
    } catch (OrtException e) {
      throw invalid("ONNX Runtime cannot load the model: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the staged model " + file, e);
    }
  }

  private static OrtSession.SessionOptions sessionOptions() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      // The session only lives to read its metadata: no arena or memory pattern to keep around.
      options.setCPUArenaAllocator(false);
      options.setMemoryPatternOptimization(false);
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> nodes, String role) {
    List<TensorSpec> specs = new ArrayList<>(nodes.size());
    for (Map.Entry<String, NodeInfo> entry : nodes.entrySet()) {
      String name = entry.getKey();
      if (!(entry.getValue().getInfo() instanceof TensorInfo info)) {
        if (role.equals("output")) {
          continue; // sequence or map outputs are not part of what a runtime serves
        }
        throw invalid("input '" + name + "' is not a tensor; only tensor inputs can be served");
      }
      Datatype datatype =
          Datatype.fromOnnx(info.onnxType)
              .orElseThrow(
                  () ->
                      invalid(
                          role
                              + " '"
                              + name
                              + "' has element type "
                              + info.onnxType
                              + ", which the Open Inference Protocol cannot carry"));
      specs.add(new TensorSpec(name, datatype, Arrays.stream(info.getShape()).boxed().toList()));
    }
    if (specs.isEmpty()) {
      throw invalid("the model has no tensor " + role + "s");
    }
    return specs;
  }

  private static PierException invalid(String reason) {
    return new PierException(ErrorCode.INVALID_MODEL, reason);
  }
}
