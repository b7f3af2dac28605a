package dev.pier.controlplane.gateway;

import dev.pier.controlplane.scheduler.Routing;
import dev.pier.controlplane.traffic.Prediction;
import dev.pier.controlplane.traffic.TrafficStatistics;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies of requests sent to an endpoint's shadow version, off the caller's thread: the caller's
 * answer is never delayed or changed. The shadow's answer is discarded after its outcome, latency
 * and predictions are recorded, with whether its predictions agree with the primary's. When the
 * copies pile up (a slow shadow), new ones are dropped and counted rather than queued without
 * bound.
 */
final class ShadowTraffic implements AutoCloseable {
  private static final int THREADS = 2;
  private static final int QUEUED = 256;

  private final Routing routing;
  private final TrafficStatistics statistics;
  private final RuntimeHttp http;
  private final ThreadPoolExecutor executor =
      new ThreadPoolExecutor(
          THREADS,
          THREADS,
          0,
          TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(QUEUED),
          Thread.ofPlatform().name("pier-gateway-shadow-", 0).daemon().factory(),
          new ThreadPoolExecutor.AbortPolicy());
  private final AtomicLong dropped = new AtomicLong();

  ShadowTraffic(Routing routing, TrafficStatistics statistics, RuntimeHttp http) {
    this.routing = routing;
    this.statistics = statistics;
    this.http = http;
  }

  /**
   * If the endpoint has a ready shadow and this request is in its share, queues a copy; {@code
   * body} is copied here because the caller's buffer is reused for its next request.
   */
  void copy(
      String endpoint,
      byte[] body,
      int bodyLength,
      String contentType,
      String headerLength,
      List<Prediction> primary) {
    Optional<Routing.Lease> chosen = routing.acquireShadow(endpoint);
    if (chosen.isEmpty()) {
      return;
    }
    Routing.Lease lease = chosen.get();
    byte[] copy = Arrays.copyOf(body, bodyLength);
    try {
      executor.execute(() -> send(lease, copy, contentType, headerLength, primary));
    } catch (RejectedExecutionException e) {
      routing.release(lease);
      dropped.incrementAndGet();
    }
  }

  /** Copies not sent because the shadow could not keep up. */
  long dropped() {
    return dropped.get();
  }

  private void send(
      Routing.Lease lease,
      byte[] body,
      String contentType,
      String headerLength,
      List<Prediction> primary) {
    long start = System.nanoTime();
    boolean failed = true;
    List<Prediction> predictions = List.of();
    try {
      RuntimeHttp.Answer answer =
          http.exchange(
              lease.restUrl(),
              "POST",
              Gateway.path(lease, "/infer"),
              body,
              body.length,
              contentType == null ? "application/json" : contentType,
              headerLength,
              System.nanoTime() + lease.timeout().toNanos());
      failed = answer.status() >= 500;
      predictions = Gateway.predictions(answer);
    } catch (IOException e) {
      // Counted as the shadow's error below; the caller was answered long ago.
    } finally {
      routing.release(lease);
    }
    statistics
        .statsFor(lease.endpoint(), Routing.Variant.SHADOW.label())
        .record(System.nanoTime() - start, failed, predictions);
    if (!failed && !primary.isEmpty() && !predictions.isEmpty()) {
      statistics.recordShadow(lease.endpoint(), predictions.equals(primary));
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
