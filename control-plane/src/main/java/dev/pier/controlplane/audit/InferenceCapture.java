package dev.pier.controlplane.audit;

import java.time.Instant;

/**
 * One gateway inference as the request thread hands it to {@link InferenceAudit}: only copies and
 * values, nothing parsed. The payloads are bytes ({@link CapturedPayload}): JSON copied from the
 * request (REST) or the serialized gRPC messages, written to the intake log as they are and
 * rendered as JSON on the audit thread, off the caller's thread.
 *
 * @param time when the request arrived
 * @param endpoint the endpoint called
 * @param model the registry model that answered (null when no target was chosen)
 * @param version its version (0 when none answered)
 * @param variant {@code stable}, {@code canary}, {@code pinned}, {@code fallback} or {@code
 *     shadow}; null when no target was chosen
 * @param caller the caller's principal name
 * @param requestJson the OIP request as JSON, or null
 * @param responseJson the OIP answer as JSON, or null (an error, or a binary answer)
 * @param status the HTTP status answered (gRPC: the HTTP status of the same outcome)
 * @param error the error message answered, or null
 * @param latencyNanos from arrival to the answer
 * @param traceparent the W3C {@code traceparent} header, or null
 * @param sourceAddress the caller's IP address, or null
 */
public record InferenceCapture(
    Instant time,
    String endpoint,
    String model,
    int version,
    String variant,
    String caller,
    CapturedPayload requestJson,
    CapturedPayload responseJson,
    int status,
    String error,
    long latencyNanos,
    String traceparent,
    String sourceAddress) {}
