package dev.pier.controlplane.audit;

import dev.pier.audit.AuditPage;
import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditSinkException;
import dev.pier.audit.chain.ChainHead;
import dev.pier.audit.chain.ChainVerifier;
import dev.pier.audit.chain.Verification;
import dev.pier.audit.export.AuditExport;
import dev.pier.audit.export.ExportProgress;
import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.security.CurrentUser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * The audit trail for auditors: search, verification of the hash chains, export and the trail's
 * state. The REST API and the console both come through here, never to the sink.
 *
 * <p>A sink that cannot be reached fails every read with {@link ErrorCode#AUDIT_SINK_UNAVAILABLE}
 * (503 over REST), naming the sink, while the trail keeps recording: the dispatcher journals
 * records until the sink is back. Every export is itself recorded as the admin event {@code
 * audit.exported}, with its criteria and who asked.
 */
@Service
public class AuditService {
  /** How long verification waits for records in flight before checking the newest one too. */
  private static final Duration SETTLE = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(AuditService.class);

  private final AuditTrail trail;
  private final InferenceAudit inferences;
  private final AdminEvents adminEvents;
  private final CurrentUser currentUser;
  private final String sinkName;

  AuditService(
      AuditTrail trail,
      InferenceAudit inferences,
      AdminEvents adminEvents,
      CurrentUser currentUser,
      PierProperties properties) {
    this.trail = trail;
    this.inferences = inferences;
    this.adminEvents = adminEvents;
    this.currentUser = currentUser;
    this.sinkName =
        switch (properties.audit().sink()) {
          case POSTGRESQL -> "PostgreSQL";
          case ELASTICSEARCH -> "Elasticsearch";
        };
  }

  /** The export formats. */
  public enum Format {
    CSV,
    JSONL
  }

  /** One page of the records matching the query. */
  @PreAuthorize("hasRole('AUDITOR')")
  public AuditPage search(AuditQuery query) {
    return fromSink("searched", () -> trail.sink().query(query));
  }

  /** How many records match the query. */
  @PreAuthorize("hasRole('AUDITOR')")
  public long count(AuditQuery query) {
    return fromSink("counted", () -> trail.sink().count(query));
  }

  /**
   * Verifies one stream, or every stream the sink holds when {@code stream} is empty. This node's
   * own streams are checked against the heads it sealed, so deleting the newest records shows too —
   * once what is in flight has been delivered; otherwise only the stored chain is checked.
   */
  @PreAuthorize("hasRole('AUDITOR')")
  public List<Verification> verify(Optional<String> stream) {
    return fromSink("verified", () -> verifyAll(stream));
  }

  private List<Verification> verifyAll(Optional<String> stream) {
    Map<String, ChainHead> heads = settledHeads();
    ChainVerifier verifier = new ChainVerifier(trail.sink(), trail.signingKey());
    List<String> streams = stream.map(List::of).orElseGet(() -> streams(heads));
    List<Verification> results = new ArrayList<>();
    for (String name : streams) {
      ChainHead head = heads.get(name);
      results.add(head == null ? verifier.verify(name) : verifier.verify(name, head));
    }
    return results;
  }

  private List<String> streams(Map<String, ChainHead> heads) {
    List<String> streams = new ArrayList<>(trail.sink().streams());
    heads.keySet().stream()
        .filter(name -> heads.get(name).sequence() > 0 && !streams.contains(name))
        .forEach(streams::add);
    return streams.stream().sorted().toList();
  }

  private Map<String, ChainHead> settledHeads() {
    try {
      return trail.awaitDelivered(SETTLE) ? trail.heads() : Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /** Writes every record matching the query (its page size and cursor do not matter). */
  @PreAuthorize("hasRole('AUDITOR')")
  public long export(AuditQuery query, Format format, OutputStream out) throws IOException {
    return export(query, format, out, ExportProgress.NONE);
  }

  /**
   * As {@link #export(AuditQuery, Format, OutputStream)}, telling {@code progress} after every page
   * on the calling thread; an exception {@code progress} throws (say, to cancel) ends the export.
   * The export is recorded in the trail before its first record is read.
   */
  @PreAuthorize("hasRole('AUDITOR')")
  public long export(AuditQuery query, Format format, OutputStream out, ExportProgress progress)
      throws IOException {
    AuditQuery whole = query.withCursor(null);
    adminEvents.recordSeparately(
        currentUser.name(),
        "audit.exported",
        "audit",
        format.name().toLowerCase(Locale.ROOT),
        AdminEvent.Outcome.SUCCESS,
        criteria(whole));
    try {
      AuditExport export = new AuditExport(trail.sink());
      return switch (format) {
        case CSV -> {
          Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
          long written = export.toCsv(whole, writer, progress);
          writer.flush();
          yield written;
        }
        case JSONL -> export.toJsonLines(whole, out, progress);
      };
    } catch (AuditSinkException e) {
      throw unavailable("exported", e);
    }
  }

  /** The criteria of a query that are set, as {@code name=value} pairs, for the trail. */
  static String criteria(AuditQuery query) {
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("from", query.from());
    set.put("to", query.to());
    set.put("kind", query.kind());
    set.put("endpoint", query.endpoint());
    set.put("version", query.version());
    set.put("actor", query.actor());
    set.put("action", query.action());
    set.put("outcome", query.outcome());
    set.put("requestId", query.requestId());
    set.put(
        "businessKey",
        query.businessKeyName() == null
            ? null
            : query.businessKeyName() + ":" + query.businessKeyValue());
    set.put("text", query.text());
    set.values().removeIf(value -> value == null);
    return set.isEmpty() ? "every record" : set.toString();
  }

  private <T> T fromSink(String what, Supplier<T> read) {
    try {
      return read.get();
    } catch (AuditSinkException e) {
      throw unavailable(what, e);
    }
  }

  /** The sink's failure for the caller: which sink, and that it is worth trying again. */
  private PierException unavailable(String what, AuditSinkException cause) {
    // The cause (hosts, driver messages) goes to the log, not to the caller.
    log.warn("the audit sink ({}) failed; records cannot be {}", sinkName, what, cause);
    return new PierException(
        ErrorCode.AUDIT_SINK_UNAVAILABLE,
        "the audit sink ("
            + sinkName
            + ") cannot be reached, so audit records cannot be "
            + what
            + " now; new records are kept in the journal until it is back. Try again shortly.",
        cause);
  }

  /**
   * The trail's counters.
   *
   * @param node this process's stream prefix
   * @param waiting gateway captures in the intake log not yet turned into records
   * @param dropped gateway captures not taken (shed, or refused with their request)
   * @param intakeBytes the disk the intake log's segments take
   * @param heads each stream's head as sealed: sequence and hash
   */
  public record Status(
      String node,
      boolean running,
      long submitted,
      int queued,
      long journaled,
      long journalPending,
      long journalBytes,
      long delivered,
      long failed,
      long shed,
      long refused,
      int waiting,
      long dropped,
      long intakeBytes,
      Map<String, ChainHead> heads) {}

  @PreAuthorize("hasRole('AUDITOR')")
  public Status status() {
    return trail
        .metrics()
        .map(
            metrics ->
                new Status(
                    trail.node(),
                    true,
                    metrics.submitted(),
                    metrics.queued(),
                    metrics.journaled(),
                    metrics.journalPending(),
                    metrics.journalBytes(),
                    metrics.delivered(),
                    metrics.failed(),
                    metrics.shed(),
                    metrics.refused(),
                    inferences.waiting(),
                    inferences.dropped(),
                    inferences.intakeBytes(),
                    trail.heads()))
        .orElseGet(
            () -> new Status(trail.node(), false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of()));
  }
}
