package dev.pier.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A harness's Markdown output: the table of measured rows, one column of CPU per server process,
 * and the table of targets, each compared with its limit.
 */
final class Report {

  /**
   * One measured row.
   *
   * @param path the path's key, for {@link #find}
   * @param label the path as the table shows it
   * @param inProcess whether the harness itself was the server (its CPU is then the call's cost)
   */
  record Row(
      String model,
      String path,
      String label,
      int concurrency,
      boolean inProcess,
      LoadRunner.Result result) {}

  private final List<String> serverColumns;
  private final String targetNote;
  private final List<Row> rows = new ArrayList<>();
  private final StringBuilder targets = new StringBuilder();

  /**
   * @param serverColumns the CPU column of each server process, in {@link
   *     LoadRunner.Result#serverCpuMicrosPerRequestEach()} order
   * @param targetNote the heading of the targets table's last column, a reference measure
   */
  Report(List<String> serverColumns, String targetNote) {
    this.serverColumns = serverColumns;
    this.targetNote = targetNote;
  }

  /** Adds the row and returns it as a table line. */
  String add(Row row) {
    rows.add(row);
    return line(row);
  }

  /** The result of a measured row, or null when it was not measured. */
  LoadRunner.Result find(String model, String path, int concurrency) {
    for (Row row : rows) {
      if (row.model().equals(model)
          && row.path().equals(path)
          && row.concurrency() == concurrency) {
        return row.result();
      }
    }
    return null;
  }

  String header() {
    StringBuilder header =
        new StringBuilder(
            "| Model | Path | Concurrency | Throughput (req/s) | p50 (µs) | p99 (µs)");
    StringBuilder rule = new StringBuilder("|---|---|---:|---:|---:|---:|");
    for (String column : serverColumns) {
      header.append(" | ").append(column).append(" (µs/req)");
      rule.append("---:|");
    }
    header.append(" | Load-generator CPU (µs/req) | Errors | Other load (cores) |");
    rule.append("---:|---:|---:|");
    return header + "\n" + rule;
  }

  private String line(Row row) {
    LoadRunner.Result r = row.result();
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %,.0f | %.0f | %.0f |",
                row.model(),
                row.label(),
                row.concurrency(),
                r.throughput(),
                r.p50Nanos() / 1e3,
                r.p99Nanos() / 1e3));
    for (int i = 0; i < serverColumns.size(); i++) {
      double cpu;
      if (row.inProcess()) {
        // In-process the harness is the server: its CPU is the cost of the call itself.
        cpu = i == 0 ? r.clientCpuMicrosPerRequest() : Double.NaN;
      } else {
        cpu =
            i < r.serverCpuMicrosPerRequestEach().size()
                ? r.serverCpuMicrosPerRequestEach().get(i)
                : -1;
      }
      line.append(' ').append(number(cpu, "%.0f")).append(" |");
    }
    line.append(' ')
        .append(
            row.inProcess()
                ? "(same process)"
                : String.format(Locale.ROOT, "%.0f", r.clientCpuMicrosPerRequest()))
        .append(" | ")
        .append(r.errors())
        .append(" | ")
        .append(number(r.otherCores(), "%.2f"))
        .append(" |");
    return line.toString();
  }

  private static String number(double value, String format) {
    if (Double.isNaN(value)) {
      return "–";
    }
    return value < 0 ? "n/a" : String.format(Locale.ROOT, format, value);
  }

  /** The rows measured so far as a Markdown table. */
  String table() {
    StringBuilder out = new StringBuilder(header()).append('\n');
    for (Row row : rows) {
      out.append(line(row)).append('\n');
    }
    return out.toString();
  }

  /** "Run {time} on {n} CPUs ({model}), Java {version}". */
  static String runLine() {
    return "Run "
        + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
        + " on "
        + Runtime.getRuntime().availableProcessors()
        + " CPUs ("
        + cpuModel()
        + "), Java "
        + Runtime.version();
  }

  /**
   * p50 of {@code measured} minus p50 of {@code reference}, in µs, or null if either is missing.
   */
  static String p50Difference(LoadRunner.Result measured, LoadRunner.Result reference) {
    if (measured == null || reference == null) {
      return null;
    }
    return String.format(
        Locale.ROOT, "%.0f µs", (measured.p50Nanos() - reference.p50Nanos()) / 1e3);
  }

  /**
   * A target on latency: p50 of {@code measured} minus p50 of {@code reference} at most {@code
   * limitMicros}; nothing when either row is missing.
   *
   * @param note the reference measure for the last column, or null
   */
  void difference(
      String target,
      String model,
      LoadRunner.Result measured,
      LoadRunner.Result reference,
      double limitMicros,
      String note) {
    if (measured == null || reference == null) {
      return;
    }
    if (measured.requests() == 0 || reference.requests() == 0) {
      targets.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | no successful call | ≤ %.0f µs | **FAIL** | %s |%n",
              target,
              model,
              limitMicros,
              note == null ? "–" : note));
      return;
    }
    double micros = (measured.p50Nanos() - reference.p50Nanos()) / 1e3;
    targets.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %.0f µs | ≤ %.0f µs | %s | %s |%n",
            target,
            model,
            micros,
            limitMicros,
            micros <= limitMicros ? "pass" : "**FAIL**",
            note == null ? "–" : note));
  }

  /**
   * A target on throughput: {@code measured} at least {@code minimum} times {@code reference};
   * nothing when either row is missing.
   */
  void ratio(
      String target,
      String model,
      LoadRunner.Result measured,
      LoadRunner.Result reference,
      double minimum,
      String note) {
    if (measured == null || reference == null || reference.throughput() == 0) {
      return;
    }
    double value = measured.throughput() / reference.throughput();
    targets.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %.2f× | ≥ %.2f× | %s | %s |%n",
            target,
            model,
            value,
            minimum,
            value >= minimum ? "pass" : "**FAIL**",
            note == null ? "–" : note));
  }

  /** The targets checked so far as a Markdown table. */
  String targets() {
    return "| Target | Model | Measured | Limit | Result | "
        + targetNote
        + " |\n|---|---|---:|---:|---|---:|\n"
        + targets;
  }

  /** Prints the report and writes it to {@code output}. */
  static void write(String report, Path output, Path logs) throws IOException {
    System.out.println();
    System.out.println(report);
    Path file = output.toAbsolutePath();
    Files.createDirectories(file.getParent());
    Files.writeString(file, report);
    System.out.println("written to " + file + "; server logs in " + logs);
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // Not Linux: leave the model out.
    }
    return "unknown CPU";
  }
}
