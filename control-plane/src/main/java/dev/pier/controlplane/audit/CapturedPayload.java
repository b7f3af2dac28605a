package dev.pier.controlplane.audit;

import com.google.protobuf.MessageLite;
import java.nio.charset.StandardCharsets;

/**
 * A payload of an {@link InferenceCapture} as the request thread has it: bytes, copied or
 * serialized, never parsed there. {@link InferenceAudit} writes them to its intake log as they are
 * and renders them as JSON on its own thread, also after a restart; hence a format tag instead of a
 * function.
 *
 * @param format how the bytes are rendered as JSON
 * @param bytes the payload, not modified after it is handed over
 */
public record CapturedPayload(Format format, byte[] bytes) {
  /** Larger payloads are recorded as a summary, so the intake log's frames stay bounded. */
  public static final int LARGEST = 1024 * 1024;

  /** How a payload's bytes become the record's JSON. */
  public enum Format {
    /** UTF-8 JSON, kept verbatim. */
    JSON,
    /** An OIP gRPC {@code ModelInferRequest}, rendered by the renderer the gRPC gateway gives. */
    GRPC_INFER_REQUEST,
    /** An OIP gRPC {@code ModelInferResponse}, likewise. */
    GRPC_INFER_RESPONSE
  }

  public CapturedPayload {
    if (format == null || bytes == null) {
      throw new IllegalArgumentException("a captured payload needs a format and bytes");
    }
  }

  /** JSON bytes (already copied by the caller); null stays null. */
  public static CapturedPayload json(byte[] bytes) {
    return bytes == null ? null : new CapturedPayload(Format.JSON, bytes);
  }

  /**
   * A gRPC message, serialized here (a copy of its bytes; the tensors are rendered later), or a
   * summary when it is larger than {@link #LARGEST}.
   */
  public static CapturedPayload grpc(Format format, MessageLite message) {
    if (message == null) {
      return null;
    }
    int size = message.getSerializedSize();
    if (size > LARGEST) {
      return json(
          ("{\"truncated\":true,\"bytes\":" + size + "}").getBytes(StandardCharsets.US_ASCII));
    }
    return new CapturedPayload(format, message.toByteArray());
  }
}
