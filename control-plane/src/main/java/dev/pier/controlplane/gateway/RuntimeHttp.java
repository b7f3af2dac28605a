package dev.pier.controlplane.gateway;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The gateway's HTTP/1.1 client to runtime servers: blocking, on the calling thread (no hand-off to
 * another thread), over keep-alive connections pooled per runtime base URL.
 *
 * <p>A request is written in one write (for bodies up to {@link #ONE_WRITE_BYTES}) on a socket with
 * {@code TCP_NODELAY}; the answer's status line and headers are parsed here, its body read by
 * {@code Content-Length}, {@code Transfer-Encoding: chunked} or up to the connection's end.
 *
 * <p>Failures come in three kinds, which the gateway answers differently:
 *
 * <ul>
 *   <li>{@link Unreached}: the connection could not be opened, or it failed before the first byte
 *       of an answer — a retry elsewhere is safe from the client's side;
 *   <li>{@link SocketTimeoutException}: the deadline passed while waiting for the answer;
 *   <li>any other {@link IOException}: the answer was cut off or malformed; never retried.
 * </ul>
 *
 * A pooled connection that fails before the first byte of its answer was most likely closed by the
 * runtime while idle: the request goes once more, transparently, on a fresh connection, and the
 * pool's other idle connections to that server are dropped with it.
 *
 * <p>Every request carries the runtimes' {@code Authorization} header, written with the rest of the
 * head. An {@code https} base URL is reached over TLS ({@link SSLSocket}, the host name or address
 * verified against the runtime's certificate), handshaken once per pooled connection; a failed
 * handshake is {@link Unreached}.
 */
final class RuntimeHttp implements AutoCloseable {
  /** Bodies up to this size are copied behind the request's head and written with it. */
  static final int ONE_WRITE_BYTES = 64 * 1024;

  /** Idle connections kept per runtime; more concurrent requests open and close their own. */
  static final int MAX_IDLE_PER_SERVER = 64;

  /** Idle connections are not reused after this (the JDK's HTTP server drops them after 30 s). */
  static final long MAX_IDLE_NANOS = Duration.ofSeconds(20).toNanos();

  private final Duration connectTimeout;
  private final int maxAnswerBytes;
  private final byte[] authorizationLine;
  private final SSLSocketFactory tls;
  private final Map<String, Pool> pools = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param authorization the {@code Authorization} header value sent with every request, or null
   * @param tls the sockets for {@code https} runtimes
   */
  RuntimeHttp(
      Duration connectTimeout, int maxAnswerBytes, String authorization, SSLSocketFactory tls) {
    this.connectTimeout = connectTimeout;
    this.maxAnswerBytes = maxAnswerBytes;
    this.authorizationLine =
        authorization == null
            ? new byte[0]
            : ("Authorization: " + authorization + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    this.tls = tls;
  }

  /** A runtime's answer: the status, the headers the gateway passes on, and the body. */
  record Answer(
      int status, String contentType, String retryAfter, String headerLength, byte[] body) {}

  /** The request did not reach the runtime, or its connection failed before any answer. */
  static final class Unreached extends IOException {
    private static final long serialVersionUID = 1L;

    Unreached(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Sends one request and reads its answer.
   *
   * @param baseUrl the runtime's REST base URL ({@code http://host:port}, maybe with a path)
   * @param method {@code GET} or {@code POST}
   * @param path the path after the base URL, already encoded
   * @param body the request body (its first {@code bodyLength} bytes), or null for none
   * @param contentType the body's content type, or null
   * @param headerLength the {@code Inference-Header-Content-Length} to send, or null
   * @param deadlineNanos when to give up waiting, in {@link System#nanoTime()} terms
   */
  Answer exchange(
      String baseUrl,
      String method,
      String path,
      byte[] body,
      int bodyLength,
      String contentType,
      String headerLength,
      long deadlineNanos)
      throws IOException {
    Pool pool = pool(baseUrl);
    Request request = new Request(method, path, body, bodyLength, contentType, headerLength);
    Connection connection = pool.take();
    if (connection != null) {
      try {
        return exchange(pool, connection, request, deadlineNanos);
      } catch (Unreached stale) {
        // Closed by the runtime while idle, most likely; its idle siblings waited as long.
        pool.clear();
      }
    }
    return exchange(pool, pool.open(deadlineNanos), request, deadlineNanos);
  }

  private Answer exchange(Pool pool, Connection connection, Request request, long deadlineNanos)
      throws IOException {
    try {
      Answer answer = connection.exchange(pool, request, deadlineNanos, maxAnswerBytes);
      if (connection.keepAlive) {
        pool.offer(connection);
      } else {
        connection.close();
      }
      return answer;
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** Closes the connections to runtimes whose base URL is not in {@code kept}. */
  void retain(Collection<String> kept) {
    Set<String> keep = Set.copyOf(kept);
    pools
        .entrySet()
        .removeIf(
            entry -> {
              boolean gone = !keep.contains(entry.getKey());
              if (gone) {
                entry.getValue().close();
              }
              return gone;
            });
  }

  /** The base URLs with a pool, and how many idle connections each holds. */
  Map<String, Integer> idle() {
    Map<String, Integer> idle = new ConcurrentHashMap<>();
    pools.forEach((url, pool) -> idle.put(url, pool.idleCount()));
    return idle;
  }

  @Override
  public void close() {
    closed = true;
    pools.values().forEach(Pool::close);
    pools.clear();
  }

  private Pool pool(String baseUrl) throws IOException {
    if (closed) {
      throw new Unreached("the gateway is shutting down", null);
    }
    Pool pool = pools.get(baseUrl);
    if (pool == null) {
      pool = pools.computeIfAbsent(baseUrl, Pool::new);
      if (closed) {
        pool.close();
      }
    }
    if (pool.invalid != null) {
      throw new Unreached(pool.invalid, null);
    }
    return pool;
  }

  private record Request(
      String method,
      String path,
      byte[] body,
      int bodyLength,
      String contentType,
      String headerLength) {}

  /** The idle connections to one runtime base URL, most recently used first. */
  private final class Pool {
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final String host;
    private final int port;
    private final String prefix;
    private final String hostHeader;
    private final boolean https;
    private final String invalid;
    private boolean closed;

    Pool(String baseUrl) {
      String h = null;
      int p = -1;
      String pre = "";
      String problem = null;
      boolean secure = false;
      try {
        URI uri = URI.create(baseUrl);
        secure = "https".equalsIgnoreCase(uri.getScheme());
        if (!(secure || "http".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
          problem = "unsupported runtime URL '" + baseUrl + "' (only http(s)://host:port)";
        } else {
          h = uri.getHost();
          p = uri.getPort() < 0 ? (secure ? 443 : 80) : uri.getPort();
          String raw = uri.getRawPath();
          pre = raw == null || raw.equals("/") ? "" : raw.replaceAll("/+$", "");
        }
      } catch (IllegalArgumentException e) {
        problem = "invalid runtime URL '" + baseUrl + "'";
      }
      this.host = h;
      this.port = p;
      this.prefix = pre;
      this.hostHeader = h == null ? "" : (h.contains(":") ? "[" + h + "]" : h) + ":" + p;
      this.https = secure;
      this.invalid = problem;
    }

    Connection open(long deadlineNanos) throws Unreached {
      long remainingMillis = remainingMillis(deadlineNanos);
      int timeout = (int) Math.max(1, Math.min(connectTimeout.toMillis(), remainingMillis));
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        socket.connect(new InetSocketAddress(host, port), timeout);
      } catch (IOException e) {
        closeQuietly(socket);
        throw new Unreached("cannot connect to " + hostHeader + ": " + e.getMessage(), e);
      }
      if (!https) {
        return connection(socket);
      }
      try {
        SSLSocket secure = (SSLSocket) tls.createSocket(socket, host, port, true);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        secure.setSSLParameters(parameters);
        secure.setSoTimeout(timeout);
        secure.startHandshake();
        return connection(secure);
      } catch (IOException e) {
        closeQuietly(socket);
        throw new Unreached("TLS with " + hostHeader + " failed: " + e.getMessage(), e);
      }
    }

    private Connection connection(Socket socket) throws Unreached {
      try {
        return new Connection(socket);
      } catch (IOException e) {
        closeQuietly(socket);
        throw new Unreached("cannot use the connection to " + hostHeader, e);
      }
    }

    byte[] authorizationLine() {
      return authorizationLine;
    }

    synchronized Connection take() {
      long now = System.nanoTime();
      Connection connection;
      while ((connection = idle.pollFirst()) != null) {
        if (now - connection.idleSince < MAX_IDLE_NANOS) {
          return connection;
        }
        connection.close();
      }
      return null;
    }

    void offer(Connection connection) {
      synchronized (this) {
        if (!closed && idle.size() < MAX_IDLE_PER_SERVER) {
          connection.idleSince = System.nanoTime();
          idle.addFirst(connection);
          return;
        }
      }
      connection.close();
    }

    synchronized int idleCount() {
      return idle.size();
    }

    void clear() {
      Connection[] closing;
      synchronized (this) {
        closing = idle.toArray(Connection[]::new);
        idle.clear();
      }
      for (Connection connection : closing) {
        connection.close();
      }
    }

    void close() {
      synchronized (this) {
        closed = true;
      }
      clear();
    }
  }

  /** One socket, its read buffer and its request buffer. Used by one thread at a time. */
  private static final class Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private byte[] head = new byte[1024];
    private int headLength;
    private final StringBuilder line = new StringBuilder(128);
    private boolean answering;
    boolean keepAlive;
    long idleSince;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    Answer exchange(Pool pool, Request request, long deadlineNanos, int maxAnswerBytes)
        throws IOException {
      answering = false;
      keepAlive = false;
      position = 0;
      limit = 0;
      write(pool, request);
      int status;
      boolean http10;
      String contentType = null;
      String retryAfter = null;
      String headerLength = null;
      long contentLength = -1;
      boolean chunked = false;
      boolean close;
      do {
        String statusLine = readLine(deadlineNanos);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
          throw new IOException("malformed status line from the runtime: " + statusLine);
        }
        http10 = statusLine.charAt(7) == '0';
        status = parseStatus(statusLine);
        close = http10;
        String header;
        while (!(header = readLine(deadlineNanos)).isEmpty()) {
          int colon = header.indexOf(':');
          if (colon <= 0) {
            continue;
          }
          String name = header.substring(0, colon).trim();
          String value = header.substring(colon + 1).trim();
          if (name.equalsIgnoreCase("Content-Length")) {
            contentLength = parseLength(value);
          } else if (name.equalsIgnoreCase("Content-Type")) {
            contentType = value;
          } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
            chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
          } else if (name.equalsIgnoreCase("Retry-After")) {
            retryAfter = value;
          } else if (name.equalsIgnoreCase(Gateway.HEADER_LENGTH)) {
            headerLength = value;
          } else if (name.equalsIgnoreCase("Connection")) {
            String token = value.toLowerCase(Locale.ROOT);
            close = token.contains("close") || (http10 && !token.contains("keep-alive"));
          }
        }
      } while (status >= 100 && status < 200); // interim answers carry no body
      byte[] body;
      if (request.method().equals("HEAD") || status == 204 || status == 304) {
        body = new byte[0];
      } else if (chunked) {
        body = readChunked(deadlineNanos, maxAnswerBytes);
      } else if (contentLength >= 0) {
        if (contentLength > maxAnswerBytes) {
          throw new IOException(
              "the runtime's answer of " + contentLength + " bytes exceeds " + maxAnswerBytes);
        }
        body = new byte[(int) contentLength];
        readFully(body, 0, body.length, deadlineNanos);
      } else {
        body = readToEnd(deadlineNanos, maxAnswerBytes);
        close = true;
      }
      keepAlive = !close;
      return new Answer(status, contentType, retryAfter, headerLength, body);
    }

    private void write(Pool pool, Request request) throws Unreached {
      headLength = 0;
      ascii(request.method());
      ascii(" ");
      ascii(pool.prefix);
      ascii(request.path());
      ascii(" HTTP/1.1\r\nHost: ");
      ascii(pool.hostHeader);
      ascii("\r\n");
      bytes(pool.authorizationLine());
      if (request.body() != null) {
        header("Content-Type", request.contentType());
        header("Content-Length", Integer.toString(request.bodyLength()));
        header(Gateway.HEADER_LENGTH, request.headerLength());
      }
      ascii("\r\n");
      try {
        if (request.body() != null && request.bodyLength() <= ONE_WRITE_BYTES) {
          ensure(headLength + request.bodyLength());
          System.arraycopy(request.body(), 0, head, headLength, request.bodyLength());
          out.write(head, 0, headLength + request.bodyLength());
        } else {
          out.write(head, 0, headLength);
          if (request.body() != null) {
            out.write(request.body(), 0, request.bodyLength());
          }
        }
      } catch (IOException e) {
        throw new Unreached("sending to the runtime failed: " + e.getMessage(), e);
      }
    }

    private void header(String name, String value) {
      if (value != null) {
        ascii(name);
        ascii(": ");
        // Header values are Latin-1 on the wire; a line break would end the header early.
        ascii(value.replace('\r', ' ').replace('\n', ' '));
        ascii("\r\n");
      }
    }

    private void bytes(byte[] bytes) {
      ensure(headLength + bytes.length);
      System.arraycopy(bytes, 0, head, headLength, bytes.length);
      headLength += bytes.length;
    }

    private void ascii(String text) {
      int length = text.length();
      ensure(headLength + length);
      for (int i = 0; i < length; i++) {
        head[headLength++] = (byte) text.charAt(i);
      }
    }

    private void ensure(int capacity) {
      if (capacity > head.length) {
        head = Arrays.copyOf(head, Math.max(capacity, head.length * 2));
      }
    }

    /** Reads more into the buffer; false at the end of the stream. */
    private boolean fill(long deadlineNanos) throws IOException {
      long remaining = remainingMillis(deadlineNanos);
      if (remaining <= 0) {
        throw new SocketTimeoutException("the deadline passed");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remaining));
      int read;
      try {
        read = in.read(buffer, 0, buffer.length);
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        if (!answering) {
          throw new Unreached("the connection failed before an answer: " + e.getMessage(), e);
        }
        throw e;
      }
      if (read < 0) {
        if (!answering) {
          throw new Unreached("the runtime closed the connection before answering", null);
        }
        return false;
      }
      answering = true;
      position = 0;
      limit = read;
      return true;
    }

    private String readLine(long deadlineNanos) throws IOException {
      line.setLength(0);
      while (true) {
        if (position == limit && !fill(deadlineNanos)) {
          throw new EOFException("the runtime's answer ended in its headers");
        }
        byte b = buffer[position++];
        if (b == '\n') {
          int end = line.length();
          if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
          }
          return line.toString();
        }
        if (line.length() >= 16 * 1024) {
          throw new IOException("a header line of the runtime's answer is too long");
        }
        line.append((char) (b & 0xff));
      }
    }

    private void readFully(byte[] target, int offset, int length, long deadlineNanos)
        throws IOException {
      while (length > 0) {
        if (position == limit && !fill(deadlineNanos)) {
          throw new EOFException("the runtime's answer was cut off");
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        offset += n;
        length -= n;
      }
    }

    private byte[] readChunked(long deadlineNanos, int maxAnswerBytes) throws IOException {
      byte[] body = new byte[0];
      int size = 0;
      while (true) {
        String sizeLine = readLine(deadlineNanos);
        int extension = sizeLine.indexOf(';');
        String hex = (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim();
        long chunk;
        try {
          chunk = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new IOException("malformed chunk size in the runtime's answer: " + sizeLine);
        }
        if (chunk < 0 || size + chunk > maxAnswerBytes) {
          throw new IOException("the runtime's answer exceeds " + maxAnswerBytes + " bytes");
        }
        if (chunk == 0) {
          while (!readLine(deadlineNanos).isEmpty()) {
            // trailers: ignored
          }
          return size == body.length ? body : Arrays.copyOf(body, size);
        }
        if (size + chunk > body.length) {
          body = Arrays.copyOf(body, (int) Math.max(size + chunk, body.length * 2L));
        }
        readFully(body, size, (int) chunk, deadlineNanos);
        size += (int) chunk;
        if (!readLine(deadlineNanos).isEmpty()) {
          throw new IOException("malformed chunk in the runtime's answer");
        }
      }
    }

    private byte[] readToEnd(long deadlineNanos, int maxAnswerBytes) throws IOException {
      byte[] body = new byte[Math.max(256, limit - position)];
      int size = 0;
      while (position < limit || fill(deadlineNanos)) {
        int n = limit - position;
        if (size + n > maxAnswerBytes) {
          throw new IOException("the runtime's answer exceeds " + maxAnswerBytes + " bytes");
        }
        if (size + n > body.length) {
          body = Arrays.copyOf(body, Math.max(size + n, body.length * 2));
        }
        System.arraycopy(buffer, position, body, size, n);
        size += n;
        position = limit;
      }
      return Arrays.copyOf(body, size);
    }

    void close() {
      closeQuietly(socket);
    }
  }

  private static int parseStatus(String statusLine) throws IOException {
    int status = 0;
    for (int i = 9; i < 12; i++) {
      char c = statusLine.charAt(i);
      if (c < '0' || c > '9') {
        throw new IOException("malformed status line from the runtime: " + statusLine);
      }
      status = status * 10 + (c - '0');
    }
    return status;
  }

  private static long parseLength(String value) throws IOException {
    try {
      long length = Long.parseLong(value);
      if (length >= 0) {
        return length;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IOException("malformed Content-Length in the runtime's answer: " + value);
  }

  private static long remainingMillis(long deadlineNanos) {
    long remaining = deadlineNanos - System.nanoTime();
    return remaining <= 0 ? 0 : Math.max(1, remaining / 1_000_000);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
