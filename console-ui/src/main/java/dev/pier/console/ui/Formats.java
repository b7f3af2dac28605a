package dev.pier.console.ui;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the console writes sizes, times and durations. */
public final class Formats {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
          .withZone(ZoneId.systemDefault());
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

  private Formats() {}

  public static String bytes(long bytes) {
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }

  public static String time(Instant instant) {
    return instant == null ? "" : TIME.format(instant);
  }

  /** UTC with milliseconds, for records that are compared across machines (the audit trail). */
  public static String utcTime(Instant instant) {
    return instant == null ? "" : UTC.format(instant);
  }

  public static String duration(Duration duration) {
    return duration == null ? "" : duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  /** Milliseconds with two decimals, for latencies. */
  public static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  /** The first 12 hex digits of a digest: enough to tell artifacts apart at a glance. */
  public static String shortDigest(String sha256) {
    return sha256 == null || sha256.length() < 12 ? sha256 : sha256.substring(0, 12);
  }
}
