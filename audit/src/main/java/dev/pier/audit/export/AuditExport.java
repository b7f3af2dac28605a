package dev.pier.audit.export;

import dev.pier.audit.AuditPage;
import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditRecordJson;
import dev.pier.audit.AuditSink;
import dev.pier.audit.AuditSinkException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Streams every record a query matches, in the query's order, to CSV or JSON Lines.
 *
 * <p>Pages of {@value #PAGE_SIZE} are read with the sink's cursor, so the export sees one
 * consistent result however long it runs, holds one page in memory, and starts from the first page
 * whatever cursor the query carries. The output is not closed.
 */
public final class AuditExport {
  static final int PAGE_SIZE = 1_000;

  /** The CSV columns, in order: the fields of {@code AuditRecordJson}. */
  public static final List<String> CSV_COLUMNS = AuditRecordJson.FIELDS;

  private final AuditSink sink;

  public AuditExport(AuditSink sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /**
   * RFC 4180 CSV: a header line, then one line per record, CRLF line ends; fields with a comma,
   * quote, CR or LF are quoted, quotes doubled; null is an empty field. Business keys are one field
   * of {@code name=value} pairs joined by {@code ;}.
   *
   * @return how many records were written
   */
  public long toCsv(AuditQuery query, Writer out, ExportProgress progress) throws IOException {
    out.write(String.join(",", CSV_COLUMNS));
    out.write("\r\n");
    StringBuilder line = new StringBuilder(1024);
    return export(
        query,
        progress,
        record -> {
          line.setLength(0);
          csvLine(record, line);
          out.append(line);
        },
        out::flush);
  }

  /**
   * JSON Lines: one record per line in {@code AuditRecordJson}'s form, UTF-8, LF line ends.
   *
   * @return how many records were written
   */
  public long toJsonLines(AuditQuery query, OutputStream out, ExportProgress progress)
      throws IOException {
    BufferedOutputStream buffered = new BufferedOutputStream(out, 64 * 1024);
    return export(
        query,
        progress,
        record -> {
          buffered.write(AuditRecordJson.toBytes(record));
          buffered.write('\n');
        },
        buffered::flush);
  }

  @FunctionalInterface
  private interface RecordWriter {
    void write(AuditRecord record) throws IOException;
  }

  @FunctionalInterface
  private interface Flush {
    void flush() throws IOException;
  }

  private long export(AuditQuery query, ExportProgress progress, RecordWriter writer, Flush flush)
      throws IOException {
    OptionalLong total;
    try {
      total = OptionalLong.of(sink.count(query));
    } catch (AuditSinkException e) {
      total = OptionalLong.empty();
    }
    progress.progress(0, total);
    AuditQuery page = query.withPageSize(PAGE_SIZE).withCursor(null);
    long written = 0;
    while (true) {
      AuditPage result = sink.query(page);
      for (AuditRecord record : result.records()) {
        writer.write(record);
        written++;
      }
      flush.flush();
      progress.progress(written, total);
      if (result.nextCursor().isEmpty()) {
        return written;
      }
      page = page.withCursor(result.nextCursor().get());
    }
  }

  private static void csvLine(AuditRecord record, StringBuilder line) {
    field(line, record.id());
    field(line, record.stream());
    field(line, record.sequence() == 0 ? null : Long.toString(record.sequence()));
    field(line, record.time().toString());
    field(line, record.kind().name());
    field(line, record.actor());
    field(line, record.action());
    field(line, record.target());
    field(line, record.version());
    field(line, record.endpoint());
    field(line, record.requestId());
    field(line, record.traceId());
    field(line, record.sourceAddress());
    field(line, record.outcome().name());
    field(line, Integer.toString(record.status()));
    field(line, record.latency() == null ? null : Long.toString(record.latency().toNanos()));
    field(line, record.before());
    field(line, record.after());
    field(line, record.inputs());
    field(line, record.outputs());
    field(line, record.error());
    field(line, Boolean.toString(record.flags().canary()));
    field(line, Boolean.toString(record.flags().shadow()));
    field(line, Boolean.toString(record.flags().fallback()));
    field(line, Integer.toString(record.instanceIndex()));
    field(line, Integer.toString(record.instanceCount()));
    field(line, record.businessKeys().isEmpty() ? null : businessKeys(record.businessKeys()));
    field(line, record.previousHash());
    field(line, record.hash());
    field(line, record.signature());
    // The last field left a separator behind: replace it with the line end.
    line.setLength(line.length() - 1);
    line.append("\r\n");
  }

  private static void field(StringBuilder line, String value) {
    if (value != null) {
      if (needsQuotes(value)) {
        line.append('"');
        for (int index = 0; index < value.length(); index++) {
          char c = value.charAt(index);
          if (c == '"') {
            line.append('"');
          }
          line.append(c);
        }
        line.append('"');
      } else {
        line.append(value);
      }
    }
    line.append(',');
  }

  private static boolean needsQuotes(String value) {
    for (int index = 0; index < value.length(); index++) {
      char c = value.charAt(index);
      if (c == ',' || c == '"' || c == '\r' || c == '\n') {
        return true;
      }
    }
    return false;
  }

  private static String businessKeys(Map<String, String> keys) {
    return keys.entrySet().stream()
        .map(key -> key.getKey() + "=" + key.getValue())
        .collect(Collectors.joining(";"));
  }
}
