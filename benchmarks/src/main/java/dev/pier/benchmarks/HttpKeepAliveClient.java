package dev.pier.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 keep-alive connection that sends the same pre-serialised request over and over and
 * reads each response just far enough to find its end. A general-purpose client (java.net.http,
 * OkHttp) spends tens of microseconds per request on headers and futures; on two shared cores that
 * would be charged to the server, so this one does one write and as few reads as possible, and
 * allocates nothing per request.
 *
 * <p>Not thread-safe: one per concurrent caller.
 */
final class HttpKeepAliveClient implements AutoCloseable {
  private static final int READ_TIMEOUT_MILLIS = 30_000;

  private final int port;
  private final byte[] request;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private boolean closeAfterResponse;
  private byte[] buffer = new byte[16 * 1024];
  private int bodyStart;
  private int bodyLength;

  HttpKeepAliveClient(int port, byte[] request) throws IOException {
    this.port = port;
    this.request = request;
    connect();
  }

  private void connect() throws IOException {
    socket = new Socket();
    // Without it a small request waits for the peer's delayed ACK (Nagle): ~40 ms per request.
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /**
   * Sends the request and reads the whole response; returns the HTTP status code. When the previous
   * response said {@code Connection: close} (Tomcat does every 100 requests by default), first
   * opens a new connection, as any HTTP client would: its cost is part of this call.
   */
  int exchange() throws IOException {
    if (closeAfterResponse) {
      closeAfterResponse = false;
      socket.close();
      connect();
    }
    out.write(request);
    return readResponse();
  }

  /** The last response's body, for a one-off check outside the measured loop. */
  String lastBody() {
    return new String(
        buffer, bodyStart, Math.min(bodyLength, buffer.length - bodyStart), StandardCharsets.UTF_8);
  }

  private int readResponse() throws IOException {
    int filled = 0;
    int headerEnd;
    while ((headerEnd = headerEnd(filled)) < 0) {
      if (filled == buffer.length) {
        throw new IOException("response headers exceed " + buffer.length + " bytes");
      }
      filled += readSome(filled);
    }
    int status = parseStatus(filled);
    closeAfterResponse = headerValueIs(headerEnd, CONNECTION, CLOSE);
    long contentLength = contentLength(headerEnd);
    if (contentLength < 0) {
      throw new IOException("response without Content-Length (chunked is not supported here)");
    }
    bodyStart = headerEnd;
    bodyLength = (int) contentLength;
    long needed = headerEnd + contentLength;
    if (needed > buffer.length) {
      byte[] larger = new byte[(int) Math.max(needed, buffer.length * 2L)];
      System.arraycopy(buffer, 0, larger, 0, filled);
      buffer = larger;
    }
    while (filled < needed) {
      filled += readSome(filled);
    }
    // Requests are not pipelined, so nothing beyond this response can be in the buffer.
    return status;
  }

  private int readSome(int offset) throws IOException {
    int read = in.read(buffer, offset, buffer.length - offset);
    if (read < 0) {
      throw new IOException("server closed the connection");
    }
    return read;
  }

  /** Offset just past the blank line ending the headers, or -1 if not received yet. */
  private int headerEnd(int filled) {
    for (int i = 3; i < filled; i++) {
      if (buffer[i] == '\n'
          && buffer[i - 1] == '\r'
          && buffer[i - 2] == '\n'
          && buffer[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  private int parseStatus(int filled) throws IOException {
    // "HTTP/1.1 200 ..."
    if (filled < 12 || buffer[8] != ' ') {
      throw new IOException("malformed status line");
    }
    return (buffer[9] - '0') * 100 + (buffer[10] - '0') * 10 + (buffer[11] - '0');
  }

  private long contentLength(int headerEnd) {
    byte[] name = CONTENT_LENGTH;
    int lineStart = 0;
    for (int i = 0; i < headerEnd; i++) {
      if (buffer[i] != '\n') {
        continue;
      }
      lineStart = i + 1;
      if (lineStart + name.length >= headerEnd || !startsWithIgnoreCase(lineStart, name)) {
        continue;
      }
      long value = 0;
      for (int j = lineStart + name.length; j < headerEnd; j++) {
        byte b = buffer[j];
        if (b >= '0' && b <= '9') {
          value = value * 10 + (b - '0');
        } else if (b == '\r') {
          return value;
        }
      }
    }
    return -1;
  }

  private static final byte[] CONTENT_LENGTH =
      "content-length:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONNECTION = "connection:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE = "close".getBytes(StandardCharsets.US_ASCII);

  /** Whether a header named {@code name} (lower case, with colon) has the value {@code value}. */
  private boolean headerValueIs(int headerEnd, byte[] name, byte[] value) {
    for (int i = 0; i < headerEnd; i++) {
      if (buffer[i] != '\n') {
        continue;
      }
      int lineStart = i + 1;
      if (lineStart + name.length >= headerEnd || !startsWithIgnoreCase(lineStart, name)) {
        continue;
      }
      int j = lineStart + name.length;
      while (j < headerEnd && buffer[j] == ' ') {
        j++;
      }
      return j + value.length <= headerEnd && startsWithIgnoreCase(j, value);
    }
    return false;
  }

  private boolean startsWithIgnoreCase(int offset, byte[] lowerCase) {
    for (int i = 0; i < lowerCase.length; i++) {
      byte b = buffer[offset + i];
      if (b >= 'A' && b <= 'Z') {
        b = (byte) (b + ('a' - 'A'));
      }
      if (b != lowerCase[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Callers for {@link LoadRunner}: one connection each, sending {@code request} over and over. */
  static LoadRunner.CallerFactory callers(int port, byte[] request) {
    return () -> {
      HttpKeepAliveClient client = new HttpKeepAliveClient(port, request);
      return new LoadRunner.Caller() {
        @Override
        public boolean call() throws IOException {
          return client.exchange() == 200;
        }

        @Override
        public void close() throws IOException {
          client.close();
        }
      };
    };
  }

  /**
   * Sends {@code request} once, outside any timing, prints the start of the answer and fails loudly
   * unless it is a 200.
   */
  static void smokeTest(String label, int port, byte[] request) throws IOException {
    try (HttpKeepAliveClient client = new HttpKeepAliveClient(port, request)) {
      int status = client.exchange();
      String body = client.lastBody();
      System.out.println(
          "smoke " + label + ": " + status + " " + body.substring(0, Math.min(160, body.length())));
      if (status != 200) {
        throw new IOException(label + " answered " + status + ": " + body);
      }
    }
  }
}
