package dev.pier.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The floor every harness measures against: one shared ONNX Runtime session per model in the
 * harness's own JVM, with the session options pier-runtime uses by default (intra-op and inter-op
 * threads 1, optimisation level ALL).
 */
final class InProcessModels implements AutoCloseable {
  private final Map<String, OrtSession> sessions = new LinkedHashMap<>();

  InProcessModels(Path modelsDirectory, List<String> models) throws IOException, OrtException {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    for (String model : models) {
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        sessions.put(
            model,
            environment.createSession(
                ModelFiles.modelFile(modelsDirectory, model).toString(), options));
      }
    }
  }

  /**
   * A caller running the shared session from its thread on a direct buffer it owns (no copy into
   * ONNX Runtime), reading every output back as a server would have to.
   */
  LoadRunner.Caller caller(Workload workload) {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession session = sessions.get(workload.model());
    FloatBuffer input =
        ByteBuffer.allocateDirect(workload.values().length * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer()
            .put(workload.values())
            .flip();
    long[] shape = workload.shape();
    String inputName = workload.inputName();
    return new LoadRunner.Caller() {
      @Override
      public boolean call() throws OrtException {
        long elements = 0;
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, shape);
            OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
          for (Map.Entry<String, OnnxValue> output : result) {
            elements += ((OnnxTensor) output.getValue()).getByteBuffer().remaining();
          }
        }
        return elements > 0;
      }

      @Override
      public void close() {}
    };
  }

  /** One call outside any timing, so that a broken model fails loudly. */
  void smokeTest(Workload workload) throws Exception {
    try (LoadRunner.Caller caller = caller(workload)) {
      if (!caller.call()) {
        throw new IOException("in-process " + workload.model() + " returned no output");
      }
    }
  }

  @Override
  public void close() {
    for (OrtSession session : sessions.values()) {
      try {
        session.close();
      } catch (OrtException e) {
        // Exiting anyway.
      }
    }
  }
}
