package dev.pier.audit.testing;

import dev.pier.audit.AuditPage;
import dev.pier.audit.AuditQuery;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditSink;
import dev.pier.audit.AuditSinkException;
import dev.pier.audit.SearchTerms;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A sink in memory, with the SPI's semantics, that a test can take down, slow down or make refuse
 * records. Hand-written, so that what it does is plain to read.
 */
public final class InMemoryAuditSink implements AuditSink {
  private static final Comparator<AuditRecord> OLDEST_FIRST =
      Comparator.comparing(AuditRecord::time).thenComparing(AuditRecord::id);
  private static final Comparator<AuditRecord> IN_CHAIN =
      Comparator.comparing(AuditRecord::stream)
          .thenComparingLong(AuditRecord::sequence)
          .thenComparing(AuditRecord::id);

  private final Map<String, AuditRecord> records = new LinkedHashMap<>();
  private final AtomicInteger writes = new AtomicInteger();
  private volatile boolean available = true;
  private volatile CountDownLatch gate;
  private volatile Predicate<AuditRecord> refused = record -> false;

  /** Every write call's records, in call order, duplicates included. */
  private final List<AuditRecord> writeLog = new ArrayList<>();

  public void setAvailable(boolean available) {
    this.available = available;
  }

  /** Writes wait until the returned latch is counted down. */
  public CountDownLatch holdWrites() {
    CountDownLatch latch = new CountDownLatch(1);
    gate = latch;
    return latch;
  }

  public void releaseWrites() {
    CountDownLatch latch = gate;
    gate = null;
    if (latch != null) {
      latch.countDown();
    }
  }

  public void refuse(Predicate<AuditRecord> predicate) {
    this.refused = predicate;
  }

  public int writeCalls() {
    return writes.get();
  }

  public synchronized List<AuditRecord> stored() {
    return List.copyOf(records.values());
  }

  public synchronized List<AuditRecord> writeLog() {
    return List.copyOf(writeLog);
  }

  public synchronized int size() {
    return records.size();
  }

  /** Replaces or removes a stored record, as someone with access to the store could. */
  public synchronized void tamper(String id, AuditRecord replacement) {
    if (replacement == null) {
      records.remove(id);
    } else {
      records.put(id, replacement);
    }
  }

  @Override
  public WriteResult write(List<AuditRecord> batch) {
    writes.incrementAndGet();
    CountDownLatch latch = gate;
    if (latch != null) {
      try {
        latch.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AuditSinkException("interrupted");
      }
    }
    if (!available) {
      throw new AuditSinkException("the in-memory sink is down");
    }
    List<Rejected> rejected = new ArrayList<>();
    synchronized (this) {
      for (AuditRecord record : batch) {
        if (!record.isSealed()) {
          throw new IllegalArgumentException("unsealed record written: " + record.id());
        }
        if (refused.test(record)) {
          rejected.add(new Rejected(record, "refused by the test"));
          continue;
        }
        writeLog.add(record);
        records.putIfAbsent(record.id(), record);
      }
    }
    return new WriteResult(rejected);
  }

  @Override
  public synchronized AuditPage query(AuditQuery query) {
    Comparator<AuditRecord> order =
        query.order() == AuditQuery.Order.NEWEST_FIRST ? OLDEST_FIRST.reversed() : OLDEST_FIRST;
    List<AuditRecord> matching =
        new ArrayList<>(
            records.values().stream().filter(record -> matches(query, record)).toList());
    matching.sort(order);
    int start = 0;
    if (query.cursor() != null) {
      String afterId = query.cursor().substring("mem.".length());
      AuditRecord after = records.get(afterId);
      while (start < matching.size() && order.compare(matching.get(start), after) <= 0) {
        start++;
      }
    }
    int end = Math.min(matching.size(), start + query.pageSize());
    List<AuditRecord> page = matching.subList(start, end);
    if (end >= matching.size()) {
      return AuditPage.last(page);
    }
    return new AuditPage(page, Optional.of("mem." + page.get(page.size() - 1).id()));
  }

  @Override
  public synchronized long count(AuditQuery query) {
    return records.values().stream().filter(record -> matches(query, record)).count();
  }

  @Override
  public synchronized List<AuditRecord> readChain(
      String stream, long afterSequence, String afterId, int limit) {
    return records.values().stream()
        .filter(record -> record.stream().equals(stream))
        .filter(
            record ->
                record.sequence() > afterSequence
                    || (afterId != null
                        && record.sequence() == afterSequence
                        && record.id().compareTo(afterId) > 0))
        .sorted(IN_CHAIN)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized Optional<AuditRecord> last(String stream) {
    if (!available) {
      throw new AuditSinkException("the in-memory sink is down");
    }
    return records.values().stream().filter(record -> record.stream().equals(stream)).max(IN_CHAIN);
  }

  @Override
  public synchronized List<String> streams() {
    return records.values().stream().map(AuditRecord::stream).distinct().sorted().toList();
  }

  @Override
  public void close() {}

  private static boolean matches(AuditQuery query, AuditRecord record) {
    if (query.from() != null && record.time().isBefore(query.from())) {
      return false;
    }
    if (query.to() != null && !record.time().isBefore(query.to())) {
      return false;
    }
    if (query.businessKeyName() != null
        && !query.businessKeyValue().equals(record.businessKeys().get(query.businessKeyName()))) {
      return false;
    }
    List<String> words = SearchTerms.ofText(query.text());
    if (!words.isEmpty() && !new HashSet<>(SearchTerms.of(record)).containsAll(words)) {
      return false;
    }
    return equal(query.kind(), record.kind())
        && equal(query.endpoint(), record.endpoint())
        && equal(query.version(), record.version())
        && equal(query.actor(), record.actor())
        && equal(query.action(), record.action())
        && equal(query.outcome(), record.outcome())
        && equal(query.requestId(), record.requestId());
  }

  private static boolean equal(Object wanted, Object actual) {
    return wanted == null || wanted.equals(actual);
  }
}
