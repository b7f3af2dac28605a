package dev.pier.console.audit;

import dev.pier.audit.export.ExportProgress;
import dev.pier.controlplane.audit.AuditService;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One background export of the audit trail to a temporary file, owned by one user.
 *
 * <p>Threading: the export thread calls {@link #progress} and the state changes; the console reads
 * the state from its UI thread while polling, so every field it reads is volatile and each change
 * of {@link #state} is written last.
 */
final class ExportJob {
  /** Where an export stands; only RUNNING changes, and only once. */
  enum State {
    RUNNING,
    DONE,
    FAILED,
    CANCELLED
  }

  private final String owner;
  private final AuditService.Format format;
  private final Path file;
  private final String fileName;
  private volatile long written;
  private volatile long total = -1;
  private volatile State state = State.RUNNING;
  private volatile String failure;
  private volatile Instant finishedAt;
  private volatile boolean cancelRequested;
  private final CountDownLatch ended = new CountDownLatch(1);

  ExportJob(String owner, AuditService.Format format, Path file, String fileName) {
    this.owner = owner;
    this.format = format;
    this.file = file;
    this.fileName = fileName;
  }

  /**
   * The progress the export reports after every page; after {@link #cancel} it ends the export by
   * throwing, so a cancelled export stops within one page.
   */
  ExportProgress progress() {
    return (writtenSoFar, expected) -> {
      written = writtenSoFar;
      total = expected.orElse(-1);
      if (cancelRequested) {
        throw new CancellationException("the export was cancelled");
      }
    };
  }

  void cancel() {
    cancelRequested = true;
  }

  boolean cancelRequested() {
    return cancelRequested;
  }

  void finished(State end, String why, Instant at) {
    failure = why;
    finishedAt = at;
    state = end;
    ended.countDown();
  }

  /** Waits until the export has ended, however it did; false if it still runs after the wait. */
  boolean awaitEnded(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  String owner() {
    return owner;
  }

  AuditService.Format format() {
    return format;
  }

  Path file() {
    return file;
  }

  /** The name the browser saves the file under. */
  String fileName() {
    return fileName;
  }

  long written() {
    return written;
  }

  /** How many records the export will write, when the sink could count them beforehand. */
  OptionalLong total() {
    long known = total;
    return known < 0 ? OptionalLong.empty() : OptionalLong.of(known);
  }

  State state() {
    return state;
  }

  /** Why the export failed, for the user; null unless {@link State#FAILED}. */
  String failure() {
    return failure;
  }

  /** When the export ended; null while it runs. */
  Instant finishedAt() {
    return finishedAt;
  }
}
