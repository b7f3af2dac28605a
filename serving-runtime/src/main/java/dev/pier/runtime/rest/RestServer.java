package dev.pier.runtime.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.pier.runtime.json.JsonLimits;
import dev.pier.runtime.protocol.Answering;
import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.protocol.InferenceException;
import dev.pier.runtime.protocol.InferenceRequest;
import dev.pier.runtime.protocol.InferenceResponse;
import dev.pier.runtime.protocol.InferenceService;
import dev.pier.runtime.protocol.ModelMetadata;
import dev.pier.runtime.protocol.RepositoryEntry;
import dev.pier.runtime.security.BearerToken;
import dev.pier.runtime.security.ServerTls;
import dev.pier.runtime.tensor.BufferPool;
import dev.pier.runtime.tensor.Parameters;
import dev.pier.runtime.tensor.TensorSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The Open Inference Protocol over HTTP/1.1: health, metadata, inference (JSON and the binary
 * tensor data extension) and the model repository extension, on the JDK's HTTP server with a
 * bounded worker pool.
 *
 * <p>Every failure leaves as {@code {"error": "..."}} with the status {@link RestErrors} gives its
 * code; nothing a client sends produces a 500.
 *
 * <p>With a {@link BearerToken}, every request but {@code GET /v2/health/live} and {@code
 * /v2/health/ready} must carry it, checked before anything of the request is read or routed;
 * without it the answer is 401 with {@code WWW-Authenticate: Bearer}. With {@link ServerTls} the
 * server speaks HTTPS only, and with mutual TLS a client without a certificate its authorities
 * signed fails the handshake.
 */
public final class RestServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RestServer.class.getName());
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";
  private static final byte[] EMPTY = new byte[0];
  private static final String CHALLENGE = "Bearer realm=\"pier-runtime\"";
  private static final String REJECTED_CHALLENGE = CHALLENGE + ", error=\"invalid_token\"";

  private final InferenceService service;
  private final BearerToken token;
  private final long maxBodyBytes;
  private final HttpServer server;
  private final ThreadPoolExecutor workers;
  private volatile boolean draining;

  /**
   * @param threads worker threads; requests beyond them queue (bounded) in front of the pool
   * @param token the token every request but health must carry, or {@link BearerToken#NONE}
   * @param tls the server's TLS, or null for plain HTTP
   */
  public RestServer(
      InferenceService service,
      String host,
      int port,
      long maxBodyBytes,
      int threads,
      BearerToken token,
      ServerTls tls)
      throws IOException {
    // Without TCP_NODELAY small responses wait for delayed ACKs: 40 ms per request.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    this.service = service;
    this.token = token;
    this.maxBodyBytes = maxBodyBytes;
    this.workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(threads * 64),
            Thread.ofPlatform().name("pier-http-", 0).daemon().factory(),
            // A full queue means the server is far past saturation: the submitting thread then
            // serves the request itself, which slows accepting — backpressure, not a crash.
            (task, pool) -> task.run());
    InetSocketAddress address = new InetSocketAddress(host, port);
    this.server = tls == null ? HttpServer.create(address, 1024) : https(address, tls);
    server.setExecutor(workers);
    server.createContext("/", this::handle);
  }

  private static HttpsServer https(InetSocketAddress address, ServerTls tls) throws IOException {
    HttpsServer https = HttpsServer.create(address, 1024);
    SSLContext context = tls.sslContext();
    https.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters parameters) {
            SSLParameters ssl = context.getDefaultSSLParameters();
            ssl.setNeedClientAuth(tls.clientCertificateRequired());
            parameters.setSSLParameters(ssl);
          }
        });
    return https;
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting, lets in-flight exchanges finish for up to {@code grace}, then stops. */
  public void stop(Duration grace) {
    // Kept-alive clients are told to reconnect, so they meet a closed port rather than a request
    // dropped when the server closes their connection at the end of the grace period.
    draining = true;
    server.stop((int) Math.max(0, Math.min(Integer.MAX_VALUE, grace.toSeconds())));
    workers.shutdown();
    try {
      workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }

  private void handle(HttpExchange exchange) {
    if (token.required() && !authorized(exchange)) {
      refuse(exchange);
      return;
    }
    boolean completesLater = false;
    try {
      completesLater = route(exchange);
    } catch (InferenceException e) {
      sendErrorQuietly(exchange, e.code(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "unexpected error serving " + exchange.getRequestURI(), e);
      sendErrorQuietly(exchange, ErrorCode.INTERNAL, "internal server error");
    } catch (IOException e) {
      // The client went away mid-response; nothing left to tell it.
    } finally {
      if (!completesLater) {
        exchange.close();
      }
    }
  }

  /** The token first: the common case costs one header lookup, and no path is parsed. */
  private boolean authorized(HttpExchange exchange) {
    return token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))
        || isHealth(exchange);
  }

  /** {@code GET /v2/health/live} and {@code /ready}: probes carry no token. */
  private static boolean isHealth(HttpExchange exchange) {
    if (!exchange.getRequestMethod().equals("GET")) {
      return false;
    }
    String path = exchange.getRequestURI().getRawPath();
    // The router ignores one trailing slash; so does this exception.
    int end = path.endsWith("/") ? path.length() - 1 : path.length();
    return isPath(path, end, "/v2/health/live") || isPath(path, end, "/v2/health/ready");
  }

  private static boolean isPath(String path, int end, String expected) {
    return end == expected.length() && path.startsWith(expected);
  }

  /** 401 before anything of the request is read; the body is left to the server to drain. */
  private void refuse(HttpExchange exchange) {
    boolean presented = exchange.getRequestHeaders().containsKey("Authorization");
    exchange
        .getResponseHeaders()
        .set("WWW-Authenticate", presented ? REJECTED_CHALLENGE : CHALLENGE);
    try {
      sendErrorQuietly(
          exchange,
          ErrorCode.UNAUTHENTICATED,
          presented
              ? "the bearer token is wrong; it is the runtime's auth-token"
              : "this runtime needs 'Authorization: Bearer <token>' (its auth-token)");
    } finally {
      exchange.close();
    }
  }

  private void sendErrorQuietly(HttpExchange exchange, ErrorCode code, String message) {
    try {
      sendError(exchange, code, message);
    } catch (IOException e) {
      // The client went away; nothing left to tell it.
    }
  }

  /** Serves the exchange; returns true if the exchange is closed by whoever answers it. */
  private boolean route(HttpExchange exchange) throws IOException {
    String[] path = segments(exchange.getRequestURI().getRawPath());
    String method = exchange.getRequestMethod();
    if (path.length == 0 || !path[0].equals("v2")) {
      throw InferenceException.notFound("unknown path " + exchange.getRequestURI().getPath());
    }
    if (path.length == 1) {
      requireMethod(method, "GET");
      sendJson(exchange, 200, serverMetadata());
      return false;
    }
    switch (path[1]) {
      case "health" -> health(exchange, method, path);
      case "models" -> {
        return models(exchange, method, path);
      }
      case "repository" -> repository(exchange, method, path);
      default ->
          throw InferenceException.notFound("unknown path " + exchange.getRequestURI().getPath());
    }
    return false;
  }

  private void health(HttpExchange exchange, String method, String[] path) throws IOException {
    if (path.length != 3 || !(path[2].equals("live") || path[2].equals("ready"))) {
      throw InferenceException.notFound("unknown path " + exchange.getRequestURI().getPath());
    }
    requireMethod(method, "GET");
    boolean ok = path[2].equals("live") ? service.live() : service.ready();
    sendJson(exchange, ok ? 200 : 503, json(g -> g.writeBooleanField(path[2], ok)));
  }

  /** /v2/models/{m}[/versions/{v}][/ready|/infer] */
  private boolean models(HttpExchange exchange, String method, String[] path) throws IOException {
    if (path.length < 3) {
      throw InferenceException.notFound("unknown path " + exchange.getRequestURI().getPath());
    }
    String model = path[2];
    String version = null;
    int next = 3;
    if (path.length >= 5 && path[3].equals("versions")) {
      version = path[4];
      next = 5;
    }
    String action = path.length > next ? path[next] : "";
    if (path.length > next + 1) {
      throw InferenceException.notFound("unknown path " + exchange.getRequestURI().getPath());
    }
    switch (action) {
      case "" -> {
        requireMethod(method, "GET");
        sendJson(exchange, 200, modelMetadata(service.modelMetadata(model, version)));
      }
      case "ready" -> {
        requireMethod(method, "GET");
        boolean ready = service.modelReady(model, version);
        sendJson(
            exchange,
            ready ? 200 : 503,
            json(
                g -> {
                  g.writeStringField("name", model);
                  g.writeBooleanField("ready", ready);
                }));
      }
      case "infer" -> {
        requireMethod(method, "POST");
        return infer(exchange, model, version);
      }
      default ->
          throw InferenceException.notFound("unknown path " + exchange.getRequestURI().getPath());
    }
    return false;
  }

  /**
   * Decodes and submits the request. A request answered at once (no batching) is written back on
   * this worker thread; one that waits for a batch frees this thread and is written back from the
   * worker pool when its batch completes, so waiting requests hold no threads.
   */
  private boolean infer(HttpExchange exchange, String model, String version) throws IOException {
    Headers headers = exchange.getRequestHeaders();
    rejectContentEncoding(headers);
    byte[] body = readBody(exchange);
    int jsonLength = body.length;
    String headerLength = headers.getFirst(HEADER_LENGTH);
    if (headerLength != null) {
      jsonLength = parseHeaderLength(headerLength, body.length);
    }
    InferenceRequest request = InferenceRequestDecoder.decode(body, jsonLength);
    CompletableFuture<InferenceResponse> response = service.inferAsync(model, version, request);
    Answering.whenDone(
        response,
        workers,
        () -> {
          try {
            respond(exchange, request, response);
          } finally {
            exchange.close();
          }
        });
    return true;
  }

  private void respond(
      HttpExchange exchange,
      InferenceRequest request,
      CompletableFuture<InferenceResponse> future) {
    // The request has completed: nothing reads its input buffers any more.
    BufferPool.releaseAll(request.inputs());
    try {
      InferenceResponse response;
      try {
        response = future.join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof InferenceException failure) {
          sendError(exchange, failure.code(), failure.getMessage());
          return;
        }
        LOG.log(System.Logger.Level.ERROR, "unexpected inference failure", cause);
        sendError(exchange, ErrorCode.INTERNAL, "internal server error");
        return;
      }
      InferenceResponseEncoder.Encoded encoded = InferenceResponseEncoder.encode(response, request);
      Headers responseHeaders = exchange.getResponseHeaders();
      if (encoded.jsonLength() >= 0) {
        responseHeaders.set("Content-Type", "application/octet-stream");
        responseHeaders.set(HEADER_LENGTH, Integer.toString(encoded.jsonLength()));
      } else {
        responseHeaders.set("Content-Type", "application/json");
      }
      send(exchange, 200, encoded.body());
    } catch (IOException e) {
      // The client went away before its answer; nothing left to tell it.
    }
  }

  private static int parseHeaderLength(String value, int bodyLength) {
    long length;
    try {
      length = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw InferenceException.invalid(
          "header " + HEADER_LENGTH + " must be a non-negative integer, got '" + value + "'");
    }
    if (length < 0 || length > bodyLength) {
      throw InferenceException.invalid(
          "header "
              + HEADER_LENGTH
              + " is "
              + length
              + " but the body has "
              + bodyLength
              + " bytes");
    }
    return (int) length;
  }

  /** /v2/repository/index, /v2/repository/models/{m}/load|unload */
  private void repository(HttpExchange exchange, String method, String[] path) throws IOException {
    if (path.length == 3 && path[2].equals("index")) {
      requireMethod(method, "POST");
      boolean readyOnly = readRepositoryParameters(exchange, "ready").flag("ready");
      sendJson(exchange, 200, index(service.repositoryIndex(readyOnly)));
      return;
    }
    if (path.length == 5
        && path[2].equals("models")
        && (path[4].equals("load") || path[4].equals("unload"))) {
      requireMethod(method, "POST");
      String model = path[3];
      if (path[4].equals("load")) {
        Parameters parameters = readRepositoryParameters(exchange, "parameters");
        service.load(model, parameters);
      } else {
        readBody(exchange);
        service.unload(model);
      }
      sendJson(exchange, 200, json(g -> {}));
      return;
    }
    throw InferenceException.notFound("unknown path " + exchange.getRequestURI().getPath());
  }

  /**
   * Reads an optional small JSON body: {@code {"ready": true}} for the index, {@code {"parameters":
   * {...}}} for load. An empty body means no parameters.
   */
  private Parameters readRepositoryParameters(HttpExchange exchange, String field)
      throws IOException {
    byte[] body = readBody(exchange);
    if (body.length == 0) {
      return Parameters.EMPTY;
    }
    try (JsonParser parser = JsonLimits.factory().createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw InferenceException.invalid("the request body must be a JSON object");
      }
      Parameters result = Parameters.EMPTY;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!name.equals(field)) {
          throw InferenceException.invalid(
              "unknown field '" + name + "'; expected '" + field + "'");
        }
        if (field.equals("ready")) {
          if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            throw InferenceException.invalid("field 'ready' must be true or false");
          }
          result = result.with("ready", value == JsonToken.VALUE_TRUE);
        } else {
          result = InferenceRequestDecoder.parameters(parser, "load request");
        }
      }
      return result;
    } catch (InferenceException e) {
      throw e;
    } catch (IOException e) {
      throw InferenceException.invalid(
          "malformed JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private byte[] readBody(HttpExchange exchange) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw InferenceException.invalid("header Content-Length is not a number");
      }
      checkSize(exchange, length);
      try (InputStream in = exchange.getRequestBody()) {
        return in.readNBytes((int) length);
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      checkSize(exchange, body.length);
      return body;
    }
  }

  private void checkSize(HttpExchange exchange, long length) {
    if (length > maxBodyBytes) {
      // Reading on would cost what the limit exists to avoid: answer and drop the connection.
      exchange.getResponseHeaders().set("Connection", "close");
      throw new InferenceException(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "request body of " + length + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
    }
  }

  private static void rejectContentEncoding(Headers headers) {
    String encoding = headers.getFirst("Content-Encoding");
    if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
      throw new InferenceException(
          ErrorCode.UNIMPLEMENTED,
          "Content-Encoding '" + encoding + "' is not supported; send identity");
    }
  }

  private static void requireMethod(String actual, String expected) {
    if (!actual.equals(expected)) {
      throw new InferenceException(
          ErrorCode.INVALID_ARGUMENT, "method " + actual + " is not allowed here; use " + expected);
    }
  }

  private static String[] segments(String rawPath) {
    String trimmed = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    if (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    if (trimmed.isEmpty()) {
      return new String[0];
    }
    String[] parts = trimmed.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      try {
        parts[i] = URLDecoder.decode(parts[i].replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw InferenceException.invalid("the path has invalid percent-encoding");
      }
    }
    return parts;
  }

  private byte[] serverMetadata() {
    InferenceService.ServerMetadata metadata = service.serverMetadata();
    return json(
        g -> {
          g.writeStringField("name", metadata.name());
          g.writeStringField("version", metadata.version());
          g.writeArrayFieldStart("extensions");
          for (String extension : metadata.extensions()) {
            g.writeString(extension);
          }
          g.writeEndArray();
        });
  }

  private static byte[] modelMetadata(ModelMetadata metadata) {
    return json(
        g -> {
          g.writeStringField("name", metadata.name());
          g.writeArrayFieldStart("versions");
          for (String version : metadata.versions()) {
            g.writeString(version);
          }
          g.writeEndArray();
          g.writeStringField("platform", metadata.platform());
          writeSpecs(g, "inputs", metadata.inputs());
          writeSpecs(g, "outputs", metadata.outputs());
          if (!metadata.properties().isEmpty()) {
            g.writeObjectFieldStart("parameters");
            for (Map.Entry<String, String> property : metadata.properties().entrySet()) {
              g.writeStringField(property.getKey(), property.getValue());
            }
            g.writeEndObject();
          }
        });
  }

  private static void writeSpecs(JsonGenerator g, String field, List<TensorSpec> specs)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (TensorSpec spec : specs) {
      g.writeStartObject();
      g.writeStringField("name", spec.name());
      g.writeStringField("datatype", spec.datatype().name());
      g.writeFieldName("shape");
      g.writeArray(spec.shape(), 0, spec.shape().length);
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static byte[] index(List<RepositoryEntry> entries) {
    ByteArrayBuilder bytes = new ByteArrayBuilder(256);
    try (JsonGenerator g = JsonLimits.factory().createGenerator(bytes)) {
      g.writeStartArray();
      for (RepositoryEntry entry : entries) {
        g.writeStartObject();
        g.writeStringField("name", entry.name());
        g.writeStringField("version", entry.version());
        g.writeStringField("state", entry.state().name());
        g.writeStringField("reason", entry.reason());
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @FunctionalInterface
  private interface ObjectBody {
    void write(JsonGenerator generator) throws IOException;
  }

  private static byte[] json(ObjectBody body) {
    ByteArrayBuilder bytes = new ByteArrayBuilder(128);
    try (JsonGenerator g = JsonLimits.factory().createGenerator(bytes)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private void sendError(HttpExchange exchange, ErrorCode code, String message) throws IOException {
    String retryAfter = RestErrors.retryAfterSeconds(code);
    if (retryAfter != null) {
      exchange.getResponseHeaders().set("Retry-After", retryAfter);
    }
    sendJson(exchange, RestErrors.status(code), json(g -> g.writeStringField("error", message)));
  }

  private void sendJson(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    send(exchange, status, body);
  }

  private void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    if (draining) {
      exchange.getResponseHeaders().set("Connection", "close");
    }
    byte[] content = body == null ? EMPTY : body;
    exchange.sendResponseHeaders(status, content.length == 0 ? -1 : content.length);
    if (content.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(content);
      }
    }
  }
}
