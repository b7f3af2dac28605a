package dev.pier.runtime.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs callers on their own threads, released together by a start gate once every one of them is
 * waiting at it, so their requests reach the server at the same time rather than one after another.
 */
public final class Concurrently {
  private Concurrently() {}

  /**
   * Runs {@code caller.apply(i)} for each i in [0, callers) at once and returns the results in
   * caller order; fails if they have not all finished within {@code timeout}.
   */
  public static <T> List<T> run(int callers, Duration timeout, IntFunction<T> caller) {
    CountDownLatch waiting = new CountDownLatch(callers);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(callers);
    try {
      List<Future<T>> futures = new ArrayList<>(callers);
      for (int i = 0; i < callers; i++) {
        int index = i;
        futures.add(
            threads.submit(
                () -> {
                  waiting.countDown();
                  go.await();
                  return caller.apply(index);
                }));
      }
      if (!waiting.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the callers did not all start within " + timeout);
      }
      go.countDown();
      long deadline = System.nanoTime() + timeout.toNanos();
      List<T> results = new ArrayList<>(callers);
      for (Future<T> future : futures) {
        results.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running callers", e);
    } catch (ExecutionException e) {
      throw new AssertionError("a caller failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the callers did not all finish within " + timeout, e);
    } finally {
      threads.shutdownNow();
    }
  }
}
