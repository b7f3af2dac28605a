package dev.pier.controlplane.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * An {@link InferenceCapture} as the bytes of one intake frame, and back. Written on the request
 * thread, so only copies: the strings' UTF-8 and the payloads' bytes, each behind its length (-1
 * for null), after a version byte and the fixed-size values.
 */
final class CaptureFrames {
  private static final byte VERSION = 1;
  private static final byte NO_PAYLOAD = -1;
  private static final CapturedPayload.Format[] FORMATS = CapturedPayload.Format.values();

  private CaptureFrames() {}

  static byte[] encode(InferenceCapture capture) {
    byte[] endpoint = utf8(capture.endpoint());
    byte[] model = utf8(capture.model());
    byte[] variant = utf8(capture.variant());
    byte[] caller = utf8(capture.caller());
    byte[] error = utf8(capture.error());
    byte[] traceparent = utf8(capture.traceparent());
    byte[] sourceAddress = utf8(capture.sourceAddress());
    int size =
        1
            + Long.BYTES
            + Integer.BYTES
            + Long.BYTES
            + Integer.BYTES
            + Integer.BYTES
            + sized(endpoint)
            + sized(model)
            + sized(variant)
            + sized(caller)
            + sized(error)
            + sized(traceparent)
            + sized(sourceAddress)
            + sized(capture.requestJson())
            + sized(capture.responseJson());
    ByteBuffer frame = ByteBuffer.allocate(size);
    frame.put(VERSION);
    frame.putLong(capture.time().getEpochSecond());
    frame.putInt(capture.time().getNano());
    frame.putLong(capture.latencyNanos());
    frame.putInt(capture.status());
    frame.putInt(capture.version());
    put(frame, endpoint);
    put(frame, model);
    put(frame, variant);
    put(frame, caller);
    put(frame, error);
    put(frame, traceparent);
    put(frame, sourceAddress);
    put(frame, capture.requestJson());
    put(frame, capture.responseJson());
    return frame.array();
  }

  static InferenceCapture decode(byte[] bytes) {
    ByteBuffer frame = ByteBuffer.wrap(bytes);
    byte version = frame.get();
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown intake frame version " + version);
    }
    Instant time = Instant.ofEpochSecond(frame.getLong(), frame.getInt());
    long latencyNanos = frame.getLong();
    int status = frame.getInt();
    int modelVersion = frame.getInt();
    String endpoint = string(frame);
    String model = string(frame);
    String variant = string(frame);
    String caller = string(frame);
    String error = string(frame);
    String traceparent = string(frame);
    String sourceAddress = string(frame);
    CapturedPayload request = payload(frame);
    CapturedPayload response = payload(frame);
    return new InferenceCapture(
        time,
        endpoint,
        model,
        modelVersion,
        variant,
        caller,
        request,
        response,
        status,
        error,
        latencyNanos,
        traceparent,
        sourceAddress);
  }

  private static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  private static int sized(byte[] bytes) {
    return Integer.BYTES + (bytes == null ? 0 : bytes.length);
  }

  private static int sized(CapturedPayload payload) {
    return 1 + (payload == null ? 0 : sized(payload.bytes()));
  }

  private static void put(ByteBuffer frame, byte[] bytes) {
    if (bytes == null) {
      frame.putInt(-1);
    } else {
      frame.putInt(bytes.length).put(bytes);
    }
  }

  private static void put(ByteBuffer frame, CapturedPayload payload) {
    if (payload == null) {
      frame.put(NO_PAYLOAD);
    } else {
      frame.put((byte) payload.format().ordinal());
      put(frame, payload.bytes());
    }
  }

  private static byte[] bytes(ByteBuffer frame) {
    int length = frame.getInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    frame.get(bytes);
    return bytes;
  }

  private static String string(ByteBuffer frame) {
    byte[] bytes = bytes(frame);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private static CapturedPayload payload(ByteBuffer frame) {
    byte format = frame.get();
    return format == NO_PAYLOAD ? null : new CapturedPayload(FORMATS[format], bytes(frame));
  }
}
