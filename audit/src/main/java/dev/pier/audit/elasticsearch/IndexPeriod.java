package dev.pier.audit.elasticsearch;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** How much time one audit index holds (in UTC): its name ends in the period's date. */
public enum IndexPeriod {
  /** {@code pier-audit-2026.12.02} */
  DAY("uuuu.MM.dd"),
  /** {@code pier-audit-2026.12} */
  MONTH("uuuu.MM");

  private final DateTimeFormatter format;

  IndexPeriod(String pattern) {
    this.format = DateTimeFormatter.ofPattern(pattern);
  }

  /** The first day of the period that holds {@code time}. */
  LocalDate start(Instant time) {
    LocalDate day = LocalDate.ofInstant(time, ZoneOffset.UTC);
    return this == DAY ? day : day.withDayOfMonth(1);
  }

  /** The start of the period {@code periods} before the one starting on {@code start}. */
  LocalDate minus(LocalDate start, long periods) {
    return this == DAY ? start.minusDays(periods) : start.minusMonths(periods);
  }

  String suffix(Instant time) {
    return format.format(start(time));
  }

  /** The period start an index suffix names, if it is one of this period's names. */
  Optional<LocalDate> parse(String suffix) {
    try {
      if (this == DAY) {
        return Optional.of(LocalDate.parse(suffix, format));
      }
      return Optional.of(LocalDate.parse(suffix + ".01", DAY.format));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
