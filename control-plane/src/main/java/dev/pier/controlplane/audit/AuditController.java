package dev.pier.controlplane.audit;

import dev.pier.audit.AuditKind;
import dev.pier.audit.AuditPage;
import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditRecordJson;
import dev.pier.audit.Outcome;
import dev.pier.audit.chain.Verification;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/audit/...}: the audit trail for auditors — records, chain verification, export and
 * the trail's counters.
 */
@RestController
@Tag(name = "Audit", description = "The audit trail: search, verify, export")
class AuditController {
  /** The header that carries an export's record count, as paging APIs commonly name it. */
  static final String TOTAL_COUNT = "X-Total-Count";

  private final AuditService audit;

  AuditController(AuditService audit) {
    this.audit = audit;
  }

  /** A page of records in the trail's JSON form, and where the next page continues. */
  record RecordsPage(List<JsonNode> records, String nextCursor) {}

  /** One stream's verification: intact, or its first break. */
  record StreamVerification(
      String stream, boolean intact, long checked, long lastSequence, Break firstBreak) {}

  /** Where and why a chain breaks. */
  record Break(long sequence, String problem, String recordId, String detail) {}

  /**
   * The criteria both searching and exporting take, as query parameters: {@code from} and {@code
   * to} (ISO-8601 instants, half-open), {@code kind} (admin, inference), {@code outcome} (success,
   * failure), {@code businessKey} as {@code name:value}; the rest match exactly, {@code text} by
   * words.
   */
  record AuditFilter(
      String from,
      String to,
      String kind,
      String endpoint,
      String version,
      String actor,
      String action,
      String outcome,
      String requestId,
      String businessKey,
      String text) {

    /** The query the criteria describe; each bad one is named. */
    AuditQuery toQuery() {
      Instant start = instant("from", from);
      Instant end = instant("to", to);
      if (start != null && end != null && start.isAfter(end)) {
        throw invalid("to", "must not be before from");
      }
      AuditQuery query =
          AuditQuery.all()
              .withTimeRange(start, end)
              .withKind(parse("kind", kind, AuditKind.class))
              .withEndpoint(blankToNull(endpoint))
              .withVersion(blankToNull(version))
              .withActor(blankToNull(actor))
              .withAction(blankToNull(action))
              .withOutcome(parse("outcome", outcome, Outcome.class))
              .withRequestId(blankToNull(requestId))
              .withText(blankToNull(text));
      if (businessKey != null && !businessKey.isBlank()) {
        int colon = businessKey.indexOf(':');
        if (colon < 1) {
          throw invalid("businessKey", "must be name:value, but is " + businessKey);
        }
        query =
            query.withBusinessKey(
                businessKey.substring(0, colon), businessKey.substring(colon + 1));
      }
      return query;
    }
  }

  @GetMapping(path = "/api/v1/audit/records", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Audit records matching every given criterion, newest first")
  RecordsPage records(
      @ParameterObject AuditFilter filter,
      @RequestParam(defaultValue = "100") int pageSize,
      @RequestParam(required = false) String cursor) {
    if (pageSize < 1 || pageSize > 1000) {
      throw invalid("pageSize", "must be between 1 and 1000, but is " + pageSize);
    }
    AuditQuery query = filter.toQuery().withPageSize(pageSize).withCursor(cursor);
    AuditPage page;
    try {
      page = audit.search(query);
    } catch (IllegalArgumentException e) {
      throw invalid("cursor", "is not a cursor of this query: " + e.getMessage());
    }
    return new RecordsPage(
        page.records().stream()
            .map(record -> AuditRecordJson.mapper().readTree(AuditRecordJson.toBytes(record)))
            .toList(),
        page.nextCursor().orElse(null));
  }

  @GetMapping(path = "/api/v1/audit/verify", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Verifies the hash chain of every stream, or of one")
  List<StreamVerification> verify(@RequestParam(required = false) String stream) {
    return audit.verify(Optional.ofNullable(stream)).stream().map(AuditController::view).toList();
  }

  @GetMapping(path = "/api/v1/audit/export")
  @Operation(
      summary = "Every record matching the criteria, as CSV or JSON Lines, streamed",
      description =
          "X-Total-Count tells how many records matched when the export began. 503 with"
              + " Retry-After when the audit sink cannot be reached.")
  ResponseEntity<StreamingResponseBody> export(
      @RequestParam(defaultValue = "jsonl") String format, @ParameterObject AuditFilter filter) {
    AuditService.Format chosen =
        switch (format.toLowerCase(Locale.ROOT)) {
          case "csv" -> AuditService.Format.CSV;
          case "jsonl" -> AuditService.Format.JSONL;
          default -> throw invalid("format", "must be csv or jsonl, but is " + format);
        };
    AuditQuery query = filter.toQuery().withOrder(AuditQuery.Order.OLDEST_FIRST).withPageSize(1000);
    // Counted now, on the request thread with the caller's authority (and so a sink that is away
    // answers 503 before anything streams); the body streams later.
    long total = audit.count(query.withPageSize(1));
    SecurityContext security = SecurityContextHolder.getContext();
    StreamingResponseBody body =
        out -> {
          SecurityContextHolder.setContext(security);
          try {
            audit.export(query, chosen, out);
          } finally {
            SecurityContextHolder.clearContext();
          }
        };
    String extension = chosen == AuditService.Format.CSV ? "csv" : "jsonl";
    return ResponseEntity.ok()
        .contentType(
            chosen == AuditService.Format.CSV
                ? new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8)
                : MediaType.parseMediaType("application/jsonl"))
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            "attachment; filename=\"pier-audit." + extension + "\"")
        // The records matching when the export began, for a client's progress; records that
        // arrive while it streams and match (no "to" given) are written too.
        .header(TOTAL_COUNT, Long.toString(total))
        .body(body);
  }

  @GetMapping(path = "/api/v1/audit/status", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "The audit trail's counters and chain heads")
  AuditService.Status status() {
    return audit.status();
  }

  static StreamVerification view(Verification verification) {
    return new StreamVerification(
        verification.stream(),
        verification.intact(),
        verification.checked(),
        verification.lastSequence(),
        verification
            .firstBreak()
            .map(
                broken ->
                    new Break(
                        broken.sequence(),
                        broken.problem().name(),
                        broken.recordId(),
                        broken.detail()))
            .orElse(null));
  }

  private static Instant instant(String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw invalid(
          field, "must be an ISO-8601 instant like 2026-12-02T10:15:30Z, but is " + value);
    }
  }

  private static <E extends Enum<E>> E parse(String field, String value, Class<E> type) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid(
          field,
          "must be one of "
              + java.util.Arrays.stream(type.getEnumConstants())
                  .map(constant -> constant.name().toLowerCase(Locale.ROOT))
                  .toList()
              + ", but is "
              + value);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static PierException invalid(String field, String problem) {
    return new PierException(ErrorCode.VALIDATION_FAILED, field + ": " + problem);
  }
}
