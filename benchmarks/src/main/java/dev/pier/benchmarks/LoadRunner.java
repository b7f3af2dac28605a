package dev.pier.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives one row of the benchmark: {@code concurrency} platform threads, each with its own {@link
 * Caller}, call back-to-back (closed loop) through a warm-up and then a measured window. Only calls
 * that start inside the window are counted, so throughput is calls / window length.
 */
final class LoadRunner {
  /** One concurrent caller's connection or session; used by one thread only. */
  interface Caller extends AutoCloseable {
    /** Makes one call; returns false (or throws) when the answer is not a success. */
    boolean call() throws Exception;

    @Override
    void close() throws java.io.IOException;
  }

  /** Creates the caller for one thread, outside the measured time. */
  interface CallerFactory {
    Caller create() throws Exception;
  }

  /**
   * @param requests successful calls started in the measured window
   * @param errors failed calls in the measured window (a thread stops at its first exception)
   * @param throughput successful calls per second
   * @param serverCpuMicrosPerRequest the server processes' CPU time per call, together; -1 when
   *     unknown
   * @param serverCpuMicrosPerRequestEach each server process's CPU time per call, in the order they
   *     were given; -1 for one whose CPU time is unknown
   * @param clientCpuMicrosPerRequest this (load-generating) process's CPU time per call
   * @param otherCores CPU used by every other process on the machine during the window, in cores
   *     (-1 when unknown): on a shared machine, the noise to read the row with
   */
  record Result(
      long requests,
      long errors,
      double throughput,
      long p50Nanos,
      long p99Nanos,
      long maxNanos,
      double serverCpuMicrosPerRequest,
      List<Double> serverCpuMicrosPerRequestEach,
      double clientCpuMicrosPerRequest,
      double otherCores) {}

  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private LoadRunner() {}

  /**
   * @param servers the processes serving the calls, for CPU accounting (e.g. a gateway and the
   *     runtime behind it); none when in-process
   */
  static Result run(
      CallerFactory factory,
      int concurrency,
      Duration warmup,
      Duration measure,
      ProcessHandle... servers)
      throws Exception {
    List<Caller> callers = new ArrayList<>(concurrency);
    try {
      for (int i = 0; i < concurrency; i++) {
        callers.add(factory.create());
      }
      LatencyHistogram[] histograms = new LatencyHistogram[concurrency];
      long[] errors = new long[concurrency];
      AtomicReference<Throwable> firstFailure = new AtomicReference<>();
      CountDownLatch ready = new CountDownLatch(concurrency);
      CountDownLatch go = new CountDownLatch(1);
      long[] window = new long[2];
      List<Thread> threads = new ArrayList<>(concurrency);
      for (int i = 0; i < concurrency; i++) {
        int id = i;
        histograms[i] = new LatencyHistogram();
        Thread thread =
            Thread.ofPlatform()
                .daemon() // a hung server must not keep the harness alive
                .name("load-" + i)
                .start(
                    () -> {
                      ready.countDown();
                      try {
                        go.await();
                        loop(callers.get(id), histograms[id], errors, id, window[0], window[1]);
                      } catch (Throwable e) {
                        errors[id]++;
                        firstFailure.compareAndSet(null, e);
                      }
                    });
        threads.add(thread);
      }
      ready.await();
      long start = System.nanoTime();
      window[0] = start + warmup.toNanos();
      window[1] = window[0] + measure.toNanos();
      go.countDown();
      sleepUntil(window[0]);
      long machineCpuStart = machineCpuNanos();
      long clientCpuStart = OS.getProcessCpuTime();
      long[] serverCpuStart = cpuNanos(servers);
      sleepUntil(window[1]);
      long machineCpuEnd = machineCpuNanos();
      long clientCpuEnd = OS.getProcessCpuTime();
      long[] serverCpuEnd = cpuNanos(servers);
      for (Thread thread : threads) {
        thread.join(Duration.ofSeconds(60));
      }
      LatencyHistogram merged = new LatencyHistogram();
      long errorCount = 0;
      for (int i = 0; i < concurrency; i++) {
        merged.add(histograms[i]);
        errorCount += errors[i];
      }
      if (firstFailure.get() != null) {
        System.err.println("  first failure: " + firstFailure.get());
      }
      long requests = merged.count();
      double seconds = measure.toNanos() / 1e9;
      double perRequest = requests == 0 ? 0 : 1.0 / requests / 1_000;
      List<Double> serverEach = new ArrayList<>(servers.length);
      long serverCpu = 0;
      boolean serverKnown = servers.length > 0;
      for (int i = 0; i < servers.length; i++) {
        boolean known = serverCpuStart[i] >= 0 && serverCpuEnd[i] >= 0;
        long used = known ? Math.max(0, serverCpuEnd[i] - serverCpuStart[i]) : 0;
        serverEach.add(known ? used * perRequest : -1);
        serverCpu += used;
        serverKnown &= known;
      }
      return new Result(
          requests,
          errorCount,
          seconds == 0 ? 0 : requests / seconds,
          merged.percentileNanos(50),
          merged.percentileNanos(99),
          merged.maxNanos(),
          serverKnown ? serverCpu * perRequest : -1,
          List.copyOf(serverEach),
          (clientCpuEnd - clientCpuStart) * perRequest,
          machineCpuStart < 0
              ? -1
              : Math.max(
                      0,
                      (machineCpuEnd - machineCpuStart)
                          - (clientCpuEnd - clientCpuStart)
                          - serverCpu)
                  / (double) Math.max(1, measure.toNanos()));
    } finally {
      for (Caller caller : callers) {
        caller.close();
      }
    }
  }

  /** The measured loop: nothing here allocates except what the caller itself does. */
  private static void loop(
      Caller caller,
      LatencyHistogram histogram,
      long[] errors,
      int id,
      long measureStart,
      long measureEnd)
      throws Exception {
    while (true) {
      long started = System.nanoTime();
      if (started >= measureEnd) {
        return;
      }
      boolean ok = caller.call();
      long finished = System.nanoTime();
      if (started >= measureStart) {
        if (ok) {
          histogram.record(finished - started);
        } else {
          errors[id]++;
        }
      }
    }
  }

  private static long[] cpuNanos(ProcessHandle[] processes) {
    long[] nanos = new long[processes.length];
    for (int i = 0; i < processes.length; i++) {
      nanos[i] = processes[i].info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
    return nanos;
  }

  /**
   * CPU time spent by the whole machine (user, nice, system, irq, softirq, steal) from the first
   * line of /proc/stat, assuming the usual USER_HZ of 100; -1 where there is no /proc.
   */
  private static long machineCpuNanos() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
      long jiffies = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        jiffies += Long.parseLong(fields[i]);
      }
      return jiffies * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Below this much CPU, in cores, the machine counts as quiet: idle servers use a few hundredths.
   */
  static final double QUIET_CORES = 0.1;

  /** Whether the machine went quiet, after how long, and the CPU of its last second. */
  record Quiet(boolean reached, Duration waited, double cores) {}

  /**
   * Waits, a second at a time, until the whole machine used under {@link #QUIET_CORES} cores for a
   * second, or {@code limit} has passed. Without /proc there is nothing to wait for.
   */
  static Quiet awaitQuiet(Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    while (true) {
      long before = machineCpuNanos();
      long from = System.nanoTime();
      sleepUntil(from + 1_000_000_000L);
      long after = machineCpuNanos();
      if (before < 0 || after < 0) {
        return new Quiet(true, Duration.ZERO, 0);
      }
      double cores = (after - before) / (double) (System.nanoTime() - from);
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      if (cores < QUIET_CORES) {
        return new Quiet(true, waited, cores);
      }
      if (System.nanoTime() >= deadline) {
        return new Quiet(false, waited, cores);
      }
    }
  }

  private static void sleepUntil(long deadline) throws InterruptedException {
    long remaining;
    while ((remaining = deadline - System.nanoTime()) > 0) {
      Thread.sleep(Duration.ofNanos(remaining));
    }
  }
}
