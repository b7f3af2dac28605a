package dev.pier.console.audit;

import dev.pier.audit.export.ExportProgress;
import dev.pier.console.ui.Problems;
import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.audit.AuditService;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.concurrent.DelegatingSecurityContextRunnable;
import org.springframework.stereotype.Component;

/**
 * The console's background exports of the audit trail: each runs on a small bounded pool into a
 * file of its own, and the user downloads it when it is done.
 *
 * <p>Bounds: one export per user at a time (a finished one is replaced by the next), {@value
 * #THREADS} running and {@value #QUEUED} waiting in the whole process (more are refused, not
 * queued), and files live in {@code <pier.home>/audit-exports}, readable by the process's user
 * only, until they are downloaded, cancelled, or {@link #KEEP} after the export ended — and never
 * beyond this process: leftovers of an earlier one are deleted at start. They hold audit payloads,
 * so they never go to a shared temporary directory.
 *
 * <p>Each export runs with the security context of the user who started it, so the audit service
 * checks the same role as for a direct download, and the trail records who exported.
 */
@Component
public class ExportJobs {
  /** How long a finished export waits for its download before its file is deleted. */
  static final Duration KEEP = Duration.ofMinutes(15);

  static final int THREADS = 2;
  static final int QUEUED = 8;

  private static final Logger log = LoggerFactory.getLogger(ExportJobs.class);
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Writes one export; the audit service in production, a hand-written one in tests. */
  @FunctionalInterface
  interface Exporter {
    long export(OutputStream out, ExportProgress progress) throws IOException;
  }

  private final Path directory;
  private final Clock clock;
  private final ExecutorService pool;
  private final Map<String, ExportJob> jobs = new ConcurrentHashMap<>();

  @Autowired
  ExportJobs(PierProperties properties) {
    this(properties.home().resolve("audit-exports"), Clock.systemUTC());
  }

  ExportJobs(Path directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED),
            work -> {
              Thread thread = new Thread(work, "audit-export-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    try {
      Files.createDirectories(directory);
      try (Stream<Path> leftovers = Files.list(directory)) {
        for (Path leftover : leftovers.toList()) {
          Files.deleteIfExists(leftover);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the audit export directory " + directory, e);
    }
  }

  /**
   * Starts an export for {@code owner}, replacing a finished one that was not downloaded.
   *
   * @throws IllegalStateException when the owner's previous export still runs, or the process runs
   *     as many exports as it allows; the message says which, for the user
   */
  ExportJob start(String owner, AuditService.Format format, Exporter exporter) {
    ExportJob started =
        jobs.compute(
            owner,
            (name, previous) -> {
              if (previous != null && previous.state() == ExportJob.State.RUNNING) {
                throw new IllegalStateException(
                    "Your previous export still runs: cancel it or wait until it is done.");
              }
              if (previous != null) {
                delete(previous);
              }
              return newJob(name, format);
            });
    Runnable work = new DelegatingSecurityContextRunnable(() -> run(started, exporter));
    try {
      pool.execute(work);
    } catch (RejectedExecutionException e) {
      jobs.remove(owner, started);
      delete(started);
      throw new IllegalStateException(
          "Too many audit exports are running; try again in a few minutes.", e);
    }
    return started;
  }

  private ExportJob newJob(String owner, AuditService.Format format) {
    String extension = format == AuditService.Format.CSV ? "csv" : "jsonl";
    try {
      Path file = Files.createTempFile(directory, "export-", "." + extension, ownerOnly());
      return new ExportJob(
          owner, format, file, "pier-audit-" + FILE_TIME.format(clock.instant()) + "." + extension);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create an audit export file in " + directory, e);
    }
  }

  /** Read and write for the process's user only; where there are no POSIX permissions, none. */
  private static FileAttribute<?>[] ownerOnly() {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
    };
  }

  private void run(ExportJob job, Exporter exporter) {
    if (job.cancelRequested()) {
      finish(job, ExportJob.State.CANCELLED, null);
      return;
    }
    try (OutputStream out = Files.newOutputStream(job.file())) {
      exporter.export(out, job.progress());
      finish(job, ExportJob.State.DONE, null);
    } catch (CancellationException e) {
      finish(job, ExportJob.State.CANCELLED, null);
    } catch (IOException | RuntimeException e) {
      // Problems logs what is unexpected (a full disk, a bug); a refusal such as the sink being
      // away is logged by the service that refused and only shown here.
      finish(job, ExportJob.State.FAILED, Problems.describe(e));
    }
  }

  private void finish(ExportJob job, ExportJob.State state, String why) {
    if (state != ExportJob.State.DONE) {
      delete(job);
    }
    job.finished(state, why, clock.instant());
  }

  /** The owner's export: running, or finished and not yet downloaded. */
  Optional<ExportJob> current(String owner) {
    return Optional.ofNullable(jobs.get(owner));
  }

  /** Asks the owner's running export to stop; it does within one page of records. */
  void cancel(String owner) {
    ExportJob job = jobs.get(owner);
    if (job != null) {
      job.cancel();
    }
  }

  /**
   * Copies the finished export to {@code out}, then forgets it and deletes its file: each export is
   * downloaded once.
   *
   * @param length told the file's size before it is copied
   * @return false when there is no such finished export (already downloaded, or expired)
   */
  boolean download(ExportJob job, LongConsumer length, OutputStream out) throws IOException {
    if (job.state() != ExportJob.State.DONE || !jobs.remove(job.owner(), job)) {
      return false;
    }
    try {
      length.accept(Files.size(job.file()));
      Files.copy(job.file(), out);
      return true;
    } finally {
      delete(job);
    }
  }

  /** Forgets the export the owner no longer wants shown (after a cancel or failure was seen). */
  void dismiss(ExportJob job) {
    if (job.state() != ExportJob.State.RUNNING && jobs.remove(job.owner(), job)) {
      delete(job);
    }
  }

  /** Deletes what finished longer than {@link #KEEP} ago and was not downloaded. */
  @Scheduled(fixedDelay = 1, timeUnit = TimeUnit.MINUTES)
  void expire() {
    Instant oldest = clock.instant().minus(KEEP);
    for (ExportJob job : jobs.values()) {
      Instant finished = job.finishedAt();
      if (finished != null && finished.isBefore(oldest) && jobs.remove(job.owner(), job)) {
        delete(job);
      }
    }
  }

  @PreDestroy
  void close() {
    pool.shutdownNow();
    jobs.values().forEach(ExportJob::cancel);
    jobs.values().forEach(ExportJobs::delete);
    jobs.clear();
  }

  private static void delete(ExportJob job) {
    try {
      Files.deleteIfExists(job.file());
    } catch (IOException e) {
      log.warn("could not delete the audit export file {}", job.file(), e);
    }
  }
}
