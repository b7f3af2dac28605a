package dev.pier.controlplane.audit;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.Outcome;
import dev.pier.audit.TrafficFlags;
import dev.pier.audit.capture.InferenceRecords;
import dev.pier.audit.dispatch.AuditRejectedException;
import dev.pier.audit.dispatch.FullDiskPolicy;
import dev.pier.controlplane.PierProperties;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Turns gateway inferences into audit records, off the request threads.
 *
 * <p>{@link #capture} is all a request thread does: it offers the {@link InferenceCapture} to a
 * bounded queue (waiting at most {@link #OFFER_WAIT} when it is full). One thread takes captures,
 * renders their payloads, splits the request per batch instance under the endpoint's {@link
 * AuditPolicyCache#policyFor policy} and submits the records to the {@link AuditTrail}; when the
 * trail refuses (its queue full, its journal full under {@code block}), the thread waits and tries
 * again, so the queue here fills and {@link #capture} answers false: the gateway then refuses the
 * request rather than serve it unaudited. Under {@code pier.audit.full-disk=shed}, a full queue
 * drops the capture instead and counts it.
 */
@Component
public class InferenceAudit implements SmartLifecycle {
  static final int CAPACITY = 10_000;
  static final Duration OFFER_WAIT = Duration.ofMillis(100);
  private static final Logger log = LoggerFactory.getLogger(InferenceAudit.class);

  private final AuditTrail trail;
  private final AuditPolicyCache policies;
  private final boolean shed;
  private final BlockingQueue<InferenceCapture> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private volatile Thread worker;

  InferenceAudit(AuditTrail trail, AuditPolicyCache policies, PierProperties properties) {
    this.trail = trail;
    this.policies = policies;
    this.shed = properties.audit().fullDisk() == FullDiskPolicy.SHED;
  }

  /**
   * Hands an inference over for recording.
   *
   * @return false when it could not be taken and the request must be refused (never under {@code
   *     shed}, which drops it and counts it instead)
   */
  public boolean capture(InferenceCapture capture) {
    try {
      if (queue.offer(capture)
          || queue.offer(capture, OFFER_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dropped.incrementAndGet();
    return shed;
  }

  /**
   * Whether the endpoint's policy records any of its inferences: at a sample of 0 % the gateway
   * skips the capture altogether, copying nothing.
   */
  public boolean recordsAny(String endpoint) {
    return policies.policyFor(endpoint).samplePercent() > 0;
  }

  /** Captures not taken: shed, or refused with the request. */
  public long dropped() {
    return dropped.get();
  }

  /** Captures waiting for the audit thread. */
  public int waiting() {
    return queue.size();
  }

  private void run() {
    Thread self = Thread.currentThread();
    while (worker == self || !queue.isEmpty()) {
      InferenceCapture capture;
      try {
        capture = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        if (worker != self && queue.isEmpty()) {
          return;
        }
        continue;
      }
      if (capture == null) {
        continue;
      }
      try {
        for (AuditRecord record : records(capture)) {
          submit(record);
        }
      } catch (RuntimeException e) {
        log.error("inference on endpoint {} could not be audited", capture.endpoint(), e);
      }
    }
  }

  private void submit(AuditRecord record) {
    while (true) {
      try {
        trail.submit(record);
        return;
      } catch (AuditRejectedException e) {
        if (!trail.isRunning()) {
          throw e;
        }
        // The trail's queue is full: keep this one, let the gateway's queue fill behind it.
      }
    }
  }

  /** The records of one capture: one per batch instance, none when sampled away. */
  static List<AuditRecord> records(InferenceCapture capture, AuditPolicyCache policies) {
    String request = capture.requestJson() == null ? null : capture.requestJson().get();
    String response = capture.responseJson() == null ? null : capture.responseJson().get();
    AuditRecord template =
        AuditRecord.inference(
                capture.time(),
                null, // the request's OIP id, read with its payload
                capture.endpoint(),
                capture.caller(),
                capture.status() >= 200 && capture.status() < 300
                    ? Outcome.SUCCESS
                    : Outcome.FAILURE,
                capture.status(),
                Duration.ofNanos(capture.latencyNanos()))
            .withFlags(
                new TrafficFlags(
                    "canary".equals(capture.variant()),
                    "shadow".equals(capture.variant()),
                    "fallback".equals(capture.variant())))
            .withTraceId(traceId(capture.traceparent()))
            .withSourceAddress(capture.sourceAddress())
            .withError(capture.error());
    if (capture.model() != null) {
      template =
          template.withTarget(
              capture.model(), capture.version() > 0 ? Integer.toString(capture.version()) : null);
    }
    return InferenceRecords.split(
        template, request, response, policies.policyFor(capture.endpoint()));
  }

  private List<AuditRecord> records(InferenceCapture capture) {
    return records(capture, policies);
  }

  /** The trace id of a W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}). */
  static String traceId(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    String[] parts = traceparent.strip().split("-");
    return parts.length >= 4 && parts[1].matches("[0-9a-f]{32}") ? parts[1] : null;
  }

  @Override
  public synchronized void start() {
    if (worker == null) {
      Thread thread = new Thread(this::run, "pier-inference-audit");
      thread.setDaemon(true);
      worker = thread;
      thread.start();
    }
  }

  @Override
  public synchronized void stop() {
    Thread thread = worker;
    worker = null;
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return worker != null;
  }

  /** After the trail starts and before it stops; before the gateway takes requests. */
  @Override
  public int getPhase() {
    return AuditTrail.PHASE + 1;
  }
}
