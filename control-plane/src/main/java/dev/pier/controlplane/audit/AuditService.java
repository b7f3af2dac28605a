package dev.pier.controlplane.audit;

import dev.pier.audit.AuditPage;
import dev.pier.audit.AuditQuery;
import dev.pier.audit.chain.ChainHead;
import dev.pier.audit.chain.ChainVerifier;
import dev.pier.audit.chain.Verification;
import dev.pier.audit.export.AuditExport;
import dev.pier.audit.export.ExportProgress;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * The audit trail for auditors: search, verification of the hash chains, export and the trail's
 * state. The REST API and the console both come through here, never to the sink.
 */
@Service
public class AuditService {
  /** How long verification waits for records in flight before checking the newest one too. */
  private static final Duration SETTLE = Duration.ofSeconds(2);

  private final AuditTrail trail;
  private final InferenceAudit inferences;

  AuditService(AuditTrail trail, InferenceAudit inferences) {
    this.trail = trail;
    this.inferences = inferences;
  }

  /** The export formats. */
  public enum Format {
    CSV,
    JSONL
  }

  /** One page of the records matching the query. */
  @PreAuthorize("hasRole('AUDITOR')")
  public AuditPage search(AuditQuery query) {
    return trail.sink().query(query);
  }

  /** How many records match the query. */
  @PreAuthorize("hasRole('AUDITOR')")
  public long count(AuditQuery query) {
    return trail.sink().count(query);
  }

  /**
   * Verifies one stream, or every stream the sink holds when {@code stream} is empty. This node's
   * own streams are checked against the heads it sealed, so deleting the newest records shows too —
   * once what is in flight has been delivered; otherwise only the stored chain is checked.
   */
  @PreAuthorize("hasRole('AUDITOR')")
  public List<Verification> verify(Optional<String> stream) {
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
    AuditExport export = new AuditExport(trail.sink());
    AuditQuery whole = query.withCursor(null);
    return switch (format) {
      case CSV -> {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        long written = export.toCsv(whole, writer, ExportProgress.NONE);
        writer.flush();
        yield written;
      }
      case JSONL -> export.toJsonLines(whole, out, ExportProgress.NONE);
    };
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
