package dev.pier.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A server the harness starts as a separate JVM, so that its CPU time is its own and the harness's
 * garbage collector and JIT do not run inside it. Its output goes to a log file; the harness waits
 * for the line that says it is ready. Stopped with SIGTERM, then killed if it lingers.
 */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition lineArrived = lock.newCondition();
  private final StringBuilder output = new StringBuilder();

  private ChildProcess(String name, Process process, Path log) throws IOException {
    this.name = name;
    this.process = process;
    this.log = log;
    PrintWriter logWriter = new PrintWriter(Files.newBufferedWriter(log), true);
    Thread.ofPlatform()
        .daemon()
        .name(name + "-output")
        .start(
            () -> {
              try (logWriter;
                  BufferedReader reader =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  logWriter.println(line);
                  lock.lock();
                  try {
                    output.append(line).append('\n');
                    lineArrived.signalAll();
                  } finally {
                    lock.unlock();
                  }
                }
              } catch (IOException e) {
                // The process ended; waitFor reports it.
              }
            });
  }

  /** Starts {@code command} with ONNX Runtime's telemetry off, logging to {@code log}. */
  static ChildProcess start(String name, List<String> command, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // ORT 1.29's telemetry crashes on long command lines; off everywhere in Pier.
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    ChildProcess child = new ChildProcess(name, builder.start(), log);
    Runtime.getRuntime().addShutdownHook(new Thread(child::close));
    return child;
  }

  /**
   * Waits until a line of output matches {@code ready} and returns it.
   *
   * @throws IOException if the process exits or {@code timeout} passes first
   */
  String awaitLine(Predicate<String> ready, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      int scanned = 0;
      while (true) {
        int end;
        while ((end = output.indexOf("\n", scanned)) >= 0) {
          String line = output.substring(scanned, end);
          scanned = end + 1;
          if (ready.test(line)) {
            return line;
          }
        }
        long remaining = deadline - System.nanoTime();
        if (!process.isAlive() || remaining <= 0) {
          throw new IOException(
              name
                  + (process.isAlive() ? " did not get ready in " + timeout : " exited")
                  + "; its output:\n"
                  + output);
        }
        lineArrived.awaitNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(200)));
      }
    } finally {
      lock.unlock();
    }
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  long pid() {
    return process.pid();
  }

  /** Where its output goes. */
  Path log() {
    return log;
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
