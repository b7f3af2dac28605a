package dev.pier.benchmarks;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The minimal baseline pier-runtime is measured against: the JDK HTTP server, one shared OrtSession
 * per model, and just enough OIP JSON to serve a single FP32 input. No validation, limits, metrics,
 * batching or error vocabulary: what is left is the floor any JVM server pays for HTTP + JSON +
 * ONNX Runtime, so the gap to it is what Pier's own machinery costs.
 *
 * <p>Usage: {@code BaselineServer [--port P] [--threads N] --model name=path.onnx ...}; with {@code
 * --threads 0} handlers run on the server's dispatcher thread (no hand-off).
 */
public final class BaselineServer {
  private static final JsonFactory JSON = new JsonFactory();
  // Reused per handler thread: a direct buffer lets ONNX Runtime read the input without a copy.
  private static final ThreadLocal<FloatBuffer[]> INPUT =
      ThreadLocal.withInitial(() -> new FloatBuffer[] {direct(1024)});

  private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
  private final Map<String, OrtSession> sessions = new HashMap<>();

  public static void main(String[] args) throws Exception {
    // Before the server exists: the JDK reads it once. Without it small responses stall ~40 ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    BaselineServer baseline = new BaselineServer();
    int port = 0;
    int threads = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        case "--model" -> {
          String[] nameAndPath = args[i + 1].split("=", 2);
          baseline.open(nameAndPath[0], nameAndPath[1]);
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    if (threads > 0) {
      server.setExecutor(Executors.newFixedThreadPool(threads));
    }
    server.createContext("/v2/models/", baseline::handle);
    server.start();
    System.out.println("baseline listening: http=" + server.getAddress().getPort());
  }

  private void open(String name, String path) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // The same session settings pier-runtime uses by default.
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      sessions.put(name, environment.createSession(path, options));
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String model =
          path.endsWith("/infer") && path.length() > "/v2/models//infer".length()
              ? path.substring("/v2/models/".length(), path.length() - "/infer".length())
              : "";
      OrtSession session = sessions.get(model);
      if (session == null) {
        send(exchange, 404, "{\"error\":\"unknown model\"}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      try {
        send(exchange, 200, infer(model, session, exchange));
      } catch (OrtException | RuntimeException e) {
        String message = "{\"error\":\"" + e.getClass().getSimpleName() + "\"}";
        send(exchange, 400, message.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private byte[] infer(String model, OrtSession session, HttpExchange exchange)
      throws IOException, OrtException {
    String name = null;
    long[] shape = null;
    FloatBuffer data = INPUT.get()[0];
    data.clear();
    try (JsonParser parser = JSON.createParser(exchange.getRequestBody())) {
      // {"inputs":[{"name":..,"datatype":"FP32","shape":[..],"data":[..]}]}: one input, FP32.
      while (parser.nextToken() != null) {
        if (parser.currentToken() != JsonToken.FIELD_NAME) {
          continue;
        }
        switch (parser.currentName()) {
          case "name" -> name = parser.nextTextValue();
          case "shape" -> shape = readShape(parser);
          case "data" -> data = readData(parser, data);
          default -> {}
        }
      }
    }
    data.flip();
    ByteArrayOutputStream body = new ByteArrayOutputStream(256);
    try (OnnxTensor input = OnnxTensor.createTensor(environment, data, shape);
        OrtSession.Result result = session.run(Map.of(name, input));
        JsonGenerator json = JSON.createGenerator(body)) {
      json.writeStartObject();
      json.writeStringField("model_name", model);
      json.writeArrayFieldStart("outputs");
      for (Map.Entry<String, OnnxValue> output : result) {
        OnnxTensor tensor = (OnnxTensor) output.getValue();
        TensorInfo info = tensor.getInfo();
        boolean floats = info.type == OnnxJavaType.FLOAT;
        json.writeStartObject();
        json.writeStringField("name", output.getKey());
        json.writeStringField("datatype", floats ? "FP32" : "INT64");
        json.writeArrayFieldStart("shape");
        for (long dimension : info.getShape()) {
          json.writeNumber(dimension);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("data");
        if (floats) {
          FloatBuffer values = tensor.getFloatBuffer();
          while (values.hasRemaining()) {
            json.writeNumber(values.get());
          }
        } else {
          LongBuffer values = tensor.getLongBuffer();
          while (values.hasRemaining()) {
            json.writeNumber(values.get());
          }
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return body.toByteArray();
  }

  private static long[] readShape(JsonParser parser) throws IOException {
    long[] shape = new long[8];
    int rank = 0;
    parser.nextToken();
    while (parser.nextToken() == JsonToken.VALUE_NUMBER_INT) {
      shape[rank++] = parser.getLongValue();
    }
    return java.util.Arrays.copyOf(shape, rank);
  }

  /** Reads flat or nested numbers into {@code data}, growing the thread's buffer if needed. */
  private static FloatBuffer readData(JsonParser parser, FloatBuffer data) throws IOException {
    int depth = 0;
    do {
      JsonToken token = parser.nextToken();
      if (token == JsonToken.START_ARRAY) {
        depth++;
      } else if (token == JsonToken.END_ARRAY) {
        depth--;
      } else {
        if (!data.hasRemaining()) {
          FloatBuffer larger = direct(data.capacity() * 2);
          data.flip();
          larger.put(data);
          data = larger;
          INPUT.get()[0] = larger;
        }
        data.put(parser.getFloatValue());
      }
    } while (depth > 0);
    return data;
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES)
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
