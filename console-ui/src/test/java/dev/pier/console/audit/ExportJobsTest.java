package dev.pier.console.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.controlplane.audit.AuditService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's background exports with a hand-written exporter that writes pages when the test
 * lets it: progress of written and total, cancel within a page, one export per user, download once,
 * and files that never outlive their use.
 */
class ExportJobsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path directory;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:15:30Z"));
  private ExportJobs jobs;

  @BeforeEach
  void open() {
    jobs = new ExportJobs(directory, clock);
  }

  @AfterEach
  void close() {
    jobs.close();
  }

  @Test
  void anExportReportsRecordsWrittenOfTheTotalAndIsDownloadedOnce() throws Exception {
    PagedExporter exporter = new PagedExporter(3, 100);
    ExportJob job = startedWithOnePage(AuditService.Format.CSV, exporter);
    assertThat(job.written()).isEqualTo(100);
    assertThat(job.total()).hasValue(300);
    assertThat(job.state()).isEqualTo(ExportJob.State.RUNNING);
    assertThat(Files.getPosixFilePermissions(job.file()))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    exporter.release(2);
    awaitState(job, ExportJob.State.DONE);
    assertThat(job.written()).isEqualTo(300);
    assertThat(job.fileName()).isEqualTo("pier-audit-20261202T101530Z.csv");

    ByteArrayOutputStream downloaded = new ByteArrayOutputStream();
    List<Long> lengths = new ArrayList<>();
    assertThat(jobs.download(job, lengths::add, downloaded)).isTrue();
    assertThat(downloaded.toString(StandardCharsets.UTF_8).lines()).hasSize(300);
    assertThat(lengths).containsExactly((long) downloaded.size());
    assertThat(job.file()).doesNotExist();
    assertThat(jobs.current("ada")).isEmpty();
    assertThat(jobs.download(job, lengths::add, new ByteArrayOutputStream())).isFalse();
  }

  @Test
  void aCancelledExportStopsWithinAPageAndLeavesNoFile() throws Exception {
    PagedExporter exporter = new PagedExporter(1_000, 10);
    ExportJob job = startedWithOnePage(AuditService.Format.JSONL, exporter);

    jobs.cancel("ada");
    exporter.release(1);
    awaitState(job, ExportJob.State.CANCELLED);
    assertThat(job.written()).isEqualTo(20);
    assertThat(exporter.pagesWritten()).isEqualTo(2);
    assertThat(job.file()).doesNotExist();
    assertThat(jobs.download(job, length -> {}, new ByteArrayOutputStream())).isFalse();
  }

  @Test
  void aUserRunsOneExportAtATimeAndTheNextReplacesAFinishedOne() throws Exception {
    PagedExporter first = new PagedExporter(1, 1);
    ExportJob running = jobs.start("ada", AuditService.Format.CSV, first);
    assertThatThrownBy(() -> jobs.start("ada", AuditService.Format.CSV, new PagedExporter(1, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("previous export still runs");
    // Another user is not held up by it.
    PagedExporter other = new PagedExporter(1, 1);
    ExportJob others = jobs.start("grace", AuditService.Format.CSV, other);
    other.release(1);
    awaitState(others, ExportJob.State.DONE);

    first.release(1);
    awaitState(running, ExportJob.State.DONE);
    PagedExporter second = new PagedExporter(1, 1);
    ExportJob next = jobs.start("ada", AuditService.Format.CSV, second);
    assertThat(running.file()).doesNotExist();
    assertThat(jobs.current("ada")).containsSame(next);
    second.release(1);
    awaitState(next, ExportJob.State.DONE);
  }

  @Test
  void theProcessRunsABoundedNumberOfExportsAndRefusesMore() {
    List<PagedExporter> held = new ArrayList<>();
    for (int user = 0; user < ExportJobs.THREADS + ExportJobs.QUEUED; user++) {
      PagedExporter exporter = new PagedExporter(1, 1);
      held.add(exporter);
      jobs.start("user-" + user, AuditService.Format.CSV, exporter);
    }
    assertThatThrownBy(
            () -> jobs.start("one-too-many", AuditService.Format.CSV, new PagedExporter(1, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Too many audit exports");
    assertThat(jobs.current("one-too-many")).isEmpty();
    held.forEach(exporter -> exporter.release(1));
  }

  @Test
  void aFinishedExportNotDownloadedIsDeletedAfterItsTime() throws Exception {
    PagedExporter exporter = new PagedExporter(1, 5);
    ExportJob job = jobs.start("ada", AuditService.Format.CSV, exporter);
    exporter.release(1);
    awaitState(job, ExportJob.State.DONE);

    clock.advance(ExportJobs.KEEP.minusSeconds(1));
    jobs.expire();
    assertThat(job.file()).exists();
    clock.advance(Duration.ofSeconds(2));
    jobs.expire();
    assertThat(job.file()).doesNotExist();
    assertThat(jobs.current("ada")).isEmpty();
  }

  @Test
  void aFailedExportKeepsItsReasonAndNoFile() throws Exception {
    ExportJob job =
        jobs.start(
            "ada",
            AuditService.Format.CSV,
            (out, progress) -> {
              throw new dev.pier.controlplane.error.PierException(
                  dev.pier.controlplane.error.ErrorCode.AUDIT_SINK_UNAVAILABLE,
                  "the audit sink (Elasticsearch) cannot be reached");
            });
    awaitState(job, ExportJob.State.FAILED);
    assertThat(job.failure()).isEqualTo("the audit sink (Elasticsearch) cannot be reached");
    assertThat(job.file()).doesNotExist();
  }

  @Test
  void leftoversOfAnEarlierProcessAreDeletedAtStart() throws IOException {
    Path leftover = Files.writeString(directory.resolve("export-1.csv"), "id\r\n");
    // The next process on the same home.
    new ExportJobs(directory, clock).close();
    assertThat(leftover).doesNotExist();
  }

  /** Ada's export, once its first page is written. */
  private ExportJob startedWithOnePage(AuditService.Format format, PagedExporter exporter)
      throws InterruptedException {
    ExportJob job = jobs.start("ada", format, exporter);
    exporter.release(1);
    await(job, () -> exporter.pagesWritten() == 1 && job.written() > 0);
    return job;
  }

  private static void awaitState(ExportJob job, ExportJob.State state) throws InterruptedException {
    assertThat(job.awaitEnded(WAIT)).as("the export ended").isTrue();
    assertThat(job.state()).isEqualTo(state);
  }

  /** Waits on the exporter's pages: each one it writes is signalled. */
  private static void await(ExportJob job, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (PagedExporter.SIGNAL) {
      while (!done.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        assertThat(left).as("waiting for " + job.state() + " " + job.written()).isPositive();
        TimeUnit.NANOSECONDS.timedWait(PagedExporter.SIGNAL, left);
      }
    }
  }

  /**
   * Writes {@code pages} pages of {@code perPage} lines, each only when the test releases it, and
   * reports progress like the audit export: after every page, with the total known beforehand.
   */
  private static final class PagedExporter implements ExportJobs.Exporter {
    static final Object SIGNAL = new Object();
    private final int pages;
    private final int perPage;
    private final java.util.concurrent.Semaphore released = new java.util.concurrent.Semaphore(0);
    private volatile int pagesWritten;

    PagedExporter(int pages, int perPage) {
      this.pages = pages;
      this.perPage = perPage;
    }

    void release(int more) {
      released.release(more);
    }

    int pagesWritten() {
      return pagesWritten;
    }

    @Override
    public long export(java.io.OutputStream out, dev.pier.audit.export.ExportProgress progress)
        throws IOException {
      long written = 0;
      OptionalLong total = OptionalLong.of((long) pages * perPage);
      try {
        progress.progress(0, total);
        for (int page = 0; page < pages; page++) {
          released.acquire();
          for (int line = 0; line < perPage; line++) {
            out.write(("record " + written + "\n").getBytes(StandardCharsets.UTF_8));
            written++;
          }
          pagesWritten++;
          progress.progress(written, total);
          signal();
        }
        return written;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } finally {
        signal();
      }
    }

    private static void signal() {
      synchronized (SIGNAL) {
        SIGNAL.notifyAll();
      }
    }
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
