package dev.pier.audit.export;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.audit.AuditKind;
import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditRecordJson;
import dev.pier.audit.testing.InMemoryAuditSink;
import dev.pier.audit.testing.TestRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AuditExportTest {
  private final InMemoryAuditSink sink = new InMemoryAuditSink();
  private final AuditExport export = new AuditExport(sink);

  private List<AuditRecord> store(int count) {
    List<AuditRecord> records =
        TestRecords.sealed(
            "export",
            count,
            index ->
                index == 0
                    ? TestRecords.everything(T0)
                    : TestRecords.inference(T0.plusSeconds(index), "e-" + index, "iris"));
    sink.write(records);
    return records;
  }

  @Test
  void jsonLinesHoldOneRecordPerLineAcrossPages() throws IOException {
    List<AuditRecord> records = store(2_345);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Long> progress = new ArrayList<>();
    List<OptionalLong> totals = new ArrayList<>();

    long written =
        export.toJsonLines(
            AuditQuery.all().withOrder(AuditQuery.Order.OLDEST_FIRST).withCursor("ignored"),
            out,
            (count, total) -> {
              progress.add(count);
              totals.add(total);
            });

    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
    assertThat(written).isEqualTo(2_345);
    assertThat(lines).hasSize(2_346);
    assertThat(lines[2_345]).isEmpty();
    for (int index = 0; index < 2_345; index++) {
      assertThat(AuditRecordJson.fromJson(lines[index])).isEqualTo(records.get(index));
    }
    assertThat(progress).containsExactly(0L, 1_000L, 2_000L, 2_345L);
    assertThat(totals).containsOnly(OptionalLong.of(2_345));
  }

  @Test
  void csvFollowsRfc4180() throws IOException {
    List<AuditRecord> records = store(3);
    StringWriter out = new StringWriter();

    long written =
        export.toCsv(
            AuditQuery.all().withOrder(AuditQuery.Order.OLDEST_FIRST), out, ExportProgress.NONE);

    List<List<String>> rows = parseCsv(out.toString());
    assertThat(written).isEqualTo(3);
    assertThat(out.toString())
        .startsWith(String.join(",", AuditExport.CSV_COLUMNS) + "\r\n")
        .endsWith("\r\n");
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0)).containsExactlyElementsOf(AuditExport.CSV_COLUMNS);
    List<String> first = rows.get(1);
    assertThat(first).hasSize(AuditExport.CSV_COLUMNS.size());
    AuditRecord everything = records.get(0);
    assertThat(column(first, "id")).isEqualTo(everything.id());
    assertThat(column(first, "actor")).isEqualTo("svc \"billing\", east");
    assertThat(column(first, "inputs")).isEqualTo(everything.inputs());
    assertThat(column(first, "error")).isEqualTo("runtime timed out\r\nafter 30s, retried");
    assertThat(column(first, "time")).isEqualTo("2026-11-20T10:15:30.123456Z");
    assertThat(column(first, "latency_nanos")).isEqualTo("987654321");
    assertThat(column(first, "business_keys")).isEqualTo("customer_id=C-42;order=a=b");
    assertThat(column(first, "canary")).isEqualTo("true");
    assertThat(column(first, "sequence")).isEqualTo("1");
    assertThat(column(rows.get(2), "error")).isEmpty();
  }

  @Test
  void anExportFollowsTheQuery() throws IOException {
    store(10);
    sink.write(
        TestRecords.sealed("admin", 2, index -> TestRecords.admin(T0, "bob", "model.create", "m")));
    StringWriter out = new StringWriter();

    assertThat(export.toCsv(AuditQuery.all().withKind(AuditKind.ADMIN), out, ExportProgress.NONE))
        .isEqualTo(2);
    assertThat(parseCsv(out.toString())).hasSize(3);
  }

  private static String column(List<String> row, String name) {
    return row.get(AuditExport.CSV_COLUMNS.indexOf(name));
  }

  /** A strict RFC 4180 reader: what a spreadsheet would see. */
  private static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int index = 0;
    while (index < text.length()) {
      char c = text.charAt(index);
      if (c == '"' && field.isEmpty()) {
        index++;
        while (true) {
          char quoted = text.charAt(index++);
          if (quoted == '"') {
            if (index < text.length() && text.charAt(index) == '"') {
              field.append('"');
              index++;
            } else {
              break;
            }
          } else {
            field.append(quoted);
          }
        }
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
        index++;
      } else if (c == '\r' && text.charAt(index + 1) == '\n') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        index += 2;
      } else {
        assertThat(c).as("bare CR, LF or quote at %d", index).isNotIn('\r', '\n', '"');
        field.append(c);
        index++;
      }
    }
    assertThat(row).isEmpty();
    return rows;
  }
}
