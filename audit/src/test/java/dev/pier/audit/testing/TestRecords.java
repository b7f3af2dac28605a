package dev.pier.audit.testing;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.Outcome;
import dev.pier.audit.TrafficFlags;
import dev.pier.audit.chain.HashChain;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/** Records for tests. */
public final class TestRecords {
  public static final Instant T0 = Instant.parse("2026-11-20T10:15:30.123456Z");

  private TestRecords() {}

  /** An inference record with everything set. */
  public static AuditRecord inference(Instant time, String requestId, String endpoint) {
    return AuditRecord.inference(
            time, requestId, endpoint, "alice", Outcome.SUCCESS, 200, Duration.ofNanos(1_234_567))
        .withTarget("iris", "2")
        .withTraceId("trace-" + requestId)
        .withSourceAddress("10.0.0.7")
        .withPayload(
            "[{\"name\":\"petal_length\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1.4]}]",
            "[{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"setosa\"]}]");
  }

  public static AuditRecord admin(Instant time, String actor, String action, String target) {
    return AuditRecord.admin(
        time,
        actor,
        action,
        target,
        "{\"version\":1}",
        "{\"version\":2}",
        "192.168.1.20",
        Outcome.SUCCESS);
  }

  /** A record with every optional field set, unusual characters included. */
  public static AuditRecord everything(Instant time) {
    return AuditRecord.inference(
            time,
            "req-ünï-😀",
            "fraud-score",
            "svc \"billing\", east",
            Outcome.FAILURE,
            503,
            Duration.ofNanos(987_654_321))
        .withTarget("fraud-graph", "7")
        .withTraceId("4bf92f3577b34da6a3ce929d0e0e4736")
        .withSourceAddress("2001:db8::1")
        .withFlags(new TrafficFlags(true, false, true))
        .withPayload(
            "{ \"inputs\" : [ {\"name\":\"text\",\"data\":[\"line1\\nline2, \\\"quoted\\\" \\u00e9\"]} ] }",
            "[]")
        .withError("runtime timed out\r\nafter 30s, retried")
        .withInstance(2, 5)
        .withBusinessKeys(Map.of("customer_id", "C-42", "order", "a=b"));
  }

  /** {@code count} records of one stream, sealed and chained, made by {@code make}. */
  public static List<AuditRecord> sealed(String stream, int count, IntFunction<AuditRecord> make) {
    HashChain chain = new HashChain(Map.of(), Optional.empty());
    List<AuditRecord> records = new ArrayList<>(count);
    for (int index = 0; index < count; index++) {
      records.add(chain.append(stream, make.apply(index)));
    }
    return records;
  }
}
