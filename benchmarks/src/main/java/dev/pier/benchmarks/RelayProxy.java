package dev.pier.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The floor of any second hop: a relay that passes HTTP/1.1 requests and answers through unchanged,
 * with nothing a gateway does (no authentication, routing, balancing, metrics or audit). One
 * platform thread per client connection, each with its own keep-alive connection to the upstream
 * server; a message is framed by its {@code Content-Length}, read whole and written in one write.
 *
 * <p>It answers what a gateway on the same machine can at best achieve: a request through it costs
 * the client's bytes read, written to the upstream, the answer read and written back, and the
 * kernel's loopback work for both connections. What the control plane's gateway costs above this is
 * its own.
 *
 * <p>Usage: {@code RelayProxy --upstream-port P [--port Q]}; prints {@code relay listening:
 * http=<port>} when ready.
 */
public final class RelayProxy {
  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
  private static final byte[] CONTENT_LENGTH =
      "content-length:".getBytes(StandardCharsets.ISO_8859_1);

  private RelayProxy() {}

  public static void main(String[] args) throws IOException {
    int port = 0;
    int upstreamPort = -1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--upstream-port" -> upstreamPort = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (upstreamPort < 0) {
      throw new IllegalArgumentException("--upstream-port is required");
    }
    InetAddress loopback = InetAddress.getLoopbackAddress();
    InetSocketAddress upstream = new InetSocketAddress(loopback, upstreamPort);
    try (ServerSocket server = new ServerSocket(port, 1024, loopback)) {
      System.out.println("relay listening: http=" + server.getLocalPort());
      while (true) {
        Socket client = server.accept();
        Thread.ofPlatform().daemon().start(() -> relay(client, upstream));
      }
    }
  }

  private static void relay(Socket client, InetSocketAddress upstreamAddress) {
    try (client;
        Socket upstream = new Socket()) {
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      upstream.connect(upstreamAddress);
      Message message = new Message();
      InputStream fromClient = client.getInputStream();
      OutputStream toClient = client.getOutputStream();
      InputStream fromUpstream = upstream.getInputStream();
      OutputStream toUpstream = upstream.getOutputStream();
      while (message.read(fromClient)) {
        message.writeTo(toUpstream);
        if (!message.read(fromUpstream)) {
          return;
        }
        message.writeTo(toClient);
      }
    } catch (IOException e) {
      // The client or the upstream went away: this connection ends, the relay goes on.
    }
  }

  /** One HTTP message, head and body, in a buffer reused for the connection's next message. */
  private static final class Message {
    private byte[] buffer = new byte[16 * 1024];
    private int length;
    private int buffered;

    /**
     * Reads the next message; false when the connection ended cleanly between messages. Bytes past
     * the message (a pipelined next one) stay buffered.
     */
    boolean read(InputStream in) throws IOException {
      if (buffered > length) {
        System.arraycopy(buffer, length, buffer, 0, buffered - length);
        buffered -= length;
      } else {
        buffered = 0;
      }
      length = 0;
      int headEnd;
      while ((headEnd = indexOf(buffer, buffered, HEAD_END)) < 0) {
        if (!fill(in)) {
          if (buffered == 0) {
            return false;
          }
          throw new EOFException("connection ended inside a message head");
        }
      }
      length = headEnd + HEAD_END.length + contentLength(headEnd);
      while (buffered < length) {
        if (!fill(in)) {
          throw new EOFException("connection ended inside a message body");
        }
      }
      return true;
    }

    void writeTo(OutputStream out) throws IOException {
      out.write(buffer, 0, length);
    }

    private boolean fill(InputStream in) throws IOException {
      if (buffered == buffer.length) {
        buffer = Arrays.copyOf(buffer, buffer.length * 2);
      }
      int read = in.read(buffer, buffered, buffer.length - buffered);
      if (read < 0) {
        return false;
      }
      buffered += read;
      return true;
    }

    private int contentLength(int headEnd) throws IOException {
      for (int i = 0; i + CONTENT_LENGTH.length < headEnd; i++) {
        if ((i == 0 || buffer[i - 1] == '\n') && startsWithIgnoringCase(i)) {
          int value = 0;
          for (int j = i + CONTENT_LENGTH.length; j < headEnd && buffer[j] != '\r'; j++) {
            if (buffer[j] >= '0' && buffer[j] <= '9') {
              value = value * 10 + (buffer[j] - '0');
            }
          }
          ensureCapacity(headEnd + HEAD_END.length + value);
          return value;
        }
      }
      // The relay only carries what the benchmark sends: every message has a Content-Length.
      throw new IOException("message without Content-Length");
    }

    private boolean startsWithIgnoringCase(int at) {
      for (int k = 0; k < CONTENT_LENGTH.length; k++) {
        if (Character.toLowerCase(buffer[at + k]) != CONTENT_LENGTH[k]) {
          return false;
        }
      }
      return true;
    }

    private void ensureCapacity(int size) {
      if (size > buffer.length) {
        buffer = Arrays.copyOf(buffer, size);
      }
    }

    private static int indexOf(byte[] haystack, int limit, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= limit; i++) {
        for (int k = 0; k < needle.length; k++) {
          if (haystack[i + k] != needle[k]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
