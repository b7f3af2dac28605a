package dev.pier.audit.postgres;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.SearchTerms;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;

/**
 * Audit records as the rows of a {@code COPY audit_record (COLUMNS) FROM STDIN} in PostgreSQL's
 * text format: one line per record, columns in {@link PostgresAuditSink#COLUMNS} order separated by
 * tabs, {@code \N} for null, and backslash, tab, newline and carriage return escaped. Other
 * characters pass as they are; a NUL, which PostgreSQL text cannot hold, makes the copy fail with
 * SQL state 22021 like an {@code INSERT} of it would.
 */
final class CopyRows {
  /**
   * Rows are sent once this many characters are pending: a batch of 500 records with payloads of a
   * megabyte each is never held a second time, as one text, beside its records.
   */
  static final int CHUNK_CHARS = 256 * 1024;

  /** Where the copy's bytes go: the driver's {@code CopyIn}. */
  @FunctionalInterface
  interface Output {
    void write(byte[] bytes, int offset, int length) throws SQLException;
  }

  private CopyRows() {}

  /** Writes the records' rows to {@code out}, a chunk of about {@link #CHUNK_CHARS} at a time. */
  static void write(List<AuditRecord> records, Output out) throws SQLException {
    StringBuilder rows = new StringBuilder(Math.min(records.size() * 1024, CHUNK_CHARS) + 1024);
    for (AuditRecord record : records) {
      append(rows, record);
      if (rows.length() >= CHUNK_CHARS) {
        send(rows, out);
      }
    }
    if (!rows.isEmpty()) {
      send(rows, out);
    }
  }

  private static void send(StringBuilder rows, Output out) throws SQLException {
    byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
    rows.setLength(0);
  }

  private static void append(StringBuilder row, AuditRecord record) {
    text(row, record.id()).append('\t');
    text(row, record.stream()).append('\t');
    row.append(record.sequence()).append('\t');
    row.append(record.time()).append('\t'); // ISO 8601 in UTC, microseconds at most
    row.append(record.kind().name()).append('\t');
    text(row, record.actor()).append('\t');
    text(row, record.action()).append('\t');
    text(row, record.target()).append('\t');
    text(row, record.version()).append('\t');
    text(row, record.endpoint()).append('\t');
    text(row, record.requestId()).append('\t');
    text(row, record.traceId()).append('\t');
    text(row, record.sourceAddress()).append('\t');
    row.append(record.outcome().name()).append('\t');
    row.append(record.status()).append('\t');
    if (record.latency() == null) {
      row.append("\\N\t");
    } else {
      row.append(record.latency().toNanos()).append('\t');
    }
    text(row, record.before()).append('\t');
    text(row, record.after()).append('\t');
    text(row, record.inputs()).append('\t');
    text(row, record.outputs()).append('\t');
    text(row, record.error()).append('\t');
    bool(row, record.flags().canary());
    bool(row, record.flags().shadow());
    bool(row, record.flags().fallback());
    row.append(record.instanceIndex()).append('\t');
    row.append(record.instanceCount()).append('\t');
    text(row, arrayLiteral(SearchTerms.businessKeyTerms(record))).append('\t');
    text(row, arrayLiteral(SearchTerms.of(record))).append('\t');
    text(row, record.previousHash()).append('\t');
    text(row, record.hash()).append('\t');
    text(row, record.signature()).append('\n');
  }

  private static void bool(StringBuilder row, boolean value) {
    row.append(value ? "t\t" : "f\t");
  }

  /** A text value, escaped for the copy; {@code \N} for null. */
  private static StringBuilder text(StringBuilder row, String value) {
    if (value == null) {
      return row.append("\\N");
    }
    int length = value.length();
    int plain = 0;
    while (plain < length && !needsEscape(value.charAt(plain))) {
      plain++;
    }
    row.append(value, 0, plain); // most values, a tensor's digits included, end here
    for (int index = plain; index < length; index++) {
      char c = value.charAt(index);
      switch (c) {
        case '\\' -> row.append("\\\\");
        case '\t' -> row.append("\\t");
        case '\n' -> row.append("\\n");
        case '\r' -> row.append("\\r");
        default -> row.append(c);
      }
    }
    return row;
  }

  private static boolean needsEscape(char c) {
    return c == '\\' || c == '\t' || c == '\n' || c == '\r';
  }

  /** A {@code text[]} literal: every element quoted, its quotes and backslashes escaped. */
  static String arrayLiteral(List<String> values) {
    StringBuilder literal = new StringBuilder(2 + values.size() * 12).append('{');
    for (int index = 0; index < values.size(); index++) {
      if (index > 0) {
        literal.append(',');
      }
      literal.append('"');
      String value = values.get(index);
      for (int at = 0; at < value.length(); at++) {
        char c = value.charAt(at);
        if (c == '"' || c == '\\') {
          literal.append('\\');
        }
        literal.append(c);
      }
      literal.append('"');
    }
    return literal.append('}').toString();
  }
}
