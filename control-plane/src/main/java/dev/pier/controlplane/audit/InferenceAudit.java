package dev.pier.controlplane.audit;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.Outcome;
import dev.pier.audit.TrafficFlags;
import dev.pier.audit.capture.InferenceRecords;
import dev.pier.audit.dispatch.AuditRejectedException;
import dev.pier.audit.dispatch.FullDiskPolicy;
import dev.pier.controlplane.PierProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Turns gateway inferences into audit records, off the request threads, without losing one that was
 * answered: not when the sink is away (the dispatcher's journal), and not when the control plane is
 * killed (the intake log).
 *
 * <p><b>Request threads.</b> {@link #capture} serializes the {@link InferenceCapture} (values and
 * payload bytes, nothing parsed) and appends it to the {@link IntakeLog} in {@code
 * <journal>/intake}: a copy into a memory-mapped segment, which a killed process leaves to the
 * kernel. Only then does the gateway answer. The log is forced to disk once a second (or per
 * capture with {@code pier.audit.intake-force-per-record}), so only a power loss can lose the
 * captures of the last second. When the log is full ({@code pier.audit.intake-max-size}), {@code
 * block} waits up to {@link #OFFER_WAIT} for room and then answers false (the gateway answers 503
 * rather than serve the request unaudited); {@code shed} drops the capture at once and counts it.
 *
 * <p><b>The audit thread.</b> One thread reads the log in order, renders the payloads, splits the
 * request per batch instance under the endpoint's {@link AuditPolicyCache#policyFor policy} and
 * submits the records to the {@link AuditTrail}; when the trail refuses (its queue full), it waits
 * and tries again, so the log fills behind it. A segment of the log is released once the dispatcher
 * has settled every record of its captures ({@code AuditDispatcher.settled}: stored in the sink or
 * its journal, or shed); this thread is the only submitter of inference records, so the count says
 * which.
 *
 * <p><b>Exactly once after a restart.</b> Every record's id is derived from its capture's intake
 * sequence and its instance index ({@link CaptureIds}), so replaying a capture gives the same
 * records. At start, the id of the last inference record the dispatcher stored (recovered from its
 * journal, heads file or sink) names the capture and instance sealed last; the log is read from its
 * oldest segment and everything up to that instance is skipped, the rest submitted again. The
 * dispatcher seals in submission order, so nothing before that record is missing and nothing after
 * it was sealed: the chain gets neither duplicates nor gaps. A request without an OIP {@code id}
 * gets its first record's id as request id, so a replay keeps that too, and with it the sampling
 * decision (a hash of the request id). Captures that gave no record (sampled away, shed) after the
 * last stored one are evaluated again, with the same outcome for sampling.
 */
@Component
public class InferenceAudit implements SmartLifecycle {
  static final Duration OFFER_WAIT = Duration.ofMillis(100);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** How long the audit thread sleeps between reads while captures keep coming. */
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  /** For how long after the last capture the thread counts as busy and lingers. */
  private static final long BUSY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static final long FORCE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final Duration DRAIN_AT_STOP = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(InferenceAudit.class);

  private final AuditTrail trail;
  private final AuditPolicyCache policies;
  private final PierProperties.Audit settings;
  private final boolean shed;
  private final Map<CapturedPayload.Format, Function<byte[], String>> renderers =
      new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private volatile IntakeLog intake;
  private volatile Thread worker;

  // Audit thread only.
  private CaptureIds ids;
  private CaptureIds.Origin resumeAfter;

  InferenceAudit(AuditTrail trail, AuditPolicyCache policies, PierProperties properties) {
    this.trail = trail;
    this.policies = policies;
    this.settings = properties.audit();
    this.shed = settings.fullDisk() == FullDiskPolicy.SHED;
  }

  /**
   * Hands an inference over for recording: once this returns true, the capture survives the process
   * being killed.
   *
   * @return false when it could not be taken and the request must be refused (never under {@code
   *     shed}, which drops it and counts it instead)
   */
  public boolean capture(InferenceCapture capture) {
    IntakeLog log = intake;
    if (log != null) {
      try {
        if (log.append(CaptureFrames.encode(capture), shed ? 0 : OFFER_WAIT.toNanos()) > 0) {
          return true;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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

  /**
   * How payloads of a format other than JSON become JSON on the audit thread: the gRPC gateway
   * gives its renderer here when it is built, before the audit thread starts.
   */
  public void renderWith(CapturedPayload.Format format, Function<byte[], String> renderer) {
    renderers.put(format, renderer);
  }

  /** Captures not taken: shed, or refused with the request. */
  public long dropped() {
    return dropped.get();
  }

  /** Captures in the intake log not yet turned into records. */
  public int waiting() {
    IntakeLog log = intake;
    return log == null ? 0 : (int) Math.min(Integer.MAX_VALUE, log.pending());
  }

  /** The disk the intake log takes. */
  public long intakeBytes() {
    IntakeLog log = intake;
    return log == null ? 0 : log.sizeBytes();
  }

  private void run() {
    Thread self = Thread.currentThread();
    IntakeLog log = intake;
    long settledBase = trail.settledInferences();
    long submitted = 0;
    // Per capture read: how many records were submitted up to it, and where it ends.
    ArrayDeque<long[]> unsettled = new ArrayDeque<>();
    long lastForce = System.nanoTime();
    long drainDeadline = 0;
    long lastEntry = System.nanoTime() - BUSY_NANOS;
    try {
      while (true) {
        if (worker != self) {
          if (drainDeadline == 0) {
            drainDeadline = System.nanoTime() + DRAIN_AT_STOP.toNanos();
          }
          if (log.pending() == 0 || System.nanoTime() - drainDeadline > 0) {
            break;
          }
        }
        IntakeLog.Entry entry = log.next(0);
        if (entry == null) {
          if (System.nanoTime() - lastEntry < BUSY_NANOS) {
            // Busy lately: sleep a little and take what came meanwhile, rather than wait on the
            // log, where every capture appended would wake this thread once more.
            LockSupport.parkNanos(LINGER_NANOS);
          } else {
            entry = log.next(POLL_NANOS);
          }
        }
        if (entry != null) {
          lastEntry = System.nanoTime();
          submitted += submit(entry);
          unsettled.addLast(new long[] {submitted, entry.end()});
        }
        release(log, unsettled, trail.settledInferences() - settledBase);
        if (System.nanoTime() - lastForce > FORCE_INTERVAL_NANOS) {
          lastForce = System.nanoTime();
          try {
            log.force();
          } catch (RuntimeException e) {
            // Only a power loss could cost what stays unforced; the audit thread carries on.
            InferenceAudit.log.warn("forcing the audit intake log to disk failed", e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TrailStopped e) {
      InferenceAudit.log.warn("the audit trail stopped; the rest of the intake log waits for it");
    } catch (RuntimeException | Error e) {
      InferenceAudit.log.error(
          "the inference audit thread failed; the intake log keeps the rest", e);
    }
  }

  /** Frees the log's segments whose captures' records the dispatcher has all settled. */
  private static void release(IntakeLog log, ArrayDeque<long[]> unsettled, long settled) {
    long end = -1;
    while (!unsettled.isEmpty() && unsettled.peekFirst()[0] <= settled) {
      end = unsettled.pollFirst()[1];
    }
    if (end >= 0) {
      log.release(end);
    }
  }

  /** Submits one capture's records (but those stored before a restart); how many it submitted. */
  private int submit(IntakeLog.Entry entry) {
    if (resumeAfter != null && entry.sequence() < resumeAfter.sequence()) {
      return 0; // stored before the restart: not even decoded
    }
    List<AuditRecord> records;
    InferenceCapture capture;
    try {
      capture = CaptureFrames.decode(entry.payload());
      records = records(capture, entry.sequence());
    } catch (RuntimeException e) {
      log.error("the inference of intake frame {} could not be audited", entry.sequence(), e);
      return 0;
    }
    if (resumeAfter != null && entry.sequence() > resumeAfter.sequence()) {
      resumeAfter = null;
    }
    int count = 0;
    for (int index = 0; index < records.size(); index++) {
      if (resumeAfter != null
          && !new CaptureIds.Origin(entry.sequence(), index)
              .isAfter(resumeAfter.sequence(), resumeAfter.instance())) {
        continue;
      }
      submit(records.get(index).withId(ids.id(capture.time(), entry.sequence(), index)));
      count++;
    }
    return count;
  }

  private void submit(AuditRecord record) {
    while (true) {
      try {
        trail.submit(record);
        return;
      } catch (AuditRejectedException e) {
        if (!trail.isRunning()) {
          throw new TrailStopped();
        }
        // The trail's queue is full: keep this one, let the intake log fill behind it.
      } catch (IllegalStateException e) {
        throw new TrailStopped();
      }
    }
  }

  /** The trail stopped under the audit thread: what is left stays in the intake log. */
  private static final class TrailStopped extends RuntimeException {
    TrailStopped() {
      super(null, null, false, false);
    }
  }

  /** A payload as JSON text: verbatim, or rendered by its format's renderer. */
  private String render(CapturedPayload payload) {
    if (payload == null) {
      return null;
    }
    if (payload.format() == CapturedPayload.Format.JSON) {
      return new String(payload.bytes(), StandardCharsets.UTF_8);
    }
    Function<byte[], String> renderer = renderers.get(payload.format());
    return renderer == null
        ? "{\"unrendered\":\"" + payload.format() + "\",\"bytes\":" + payload.bytes().length + "}"
        : renderer.apply(payload.bytes());
  }

  /** The records of one capture: one per batch instance, none when sampled away. */
  List<AuditRecord> records(InferenceCapture capture, long sequence) {
    String request = render(capture.requestJson());
    String response = render(capture.responseJson());
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
    // Without an OIP id, the request id is deterministic like the record ids: a replay keeps it
    // and its sampling decision.
    return InferenceRecords.split(
        template,
        request,
        response,
        policies.policyFor(capture.endpoint()),
        ids.id(capture.time(), sequence, 0));
  }

  /** The trace id of a W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}). */
  static String traceId(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    String[] parts = traceparent.strip().split("-");
    return parts.length >= 4 && parts[1].matches("[0-9a-f]{32}") ? parts[1] : null;
  }

  /**
   * Opens the intake log, finds where the last run's records end ({@link
   * AuditTrail#lastStoredInferenceId}) and starts the audit thread, which replays what the log
   * holds before anything new.
   */
  @Override
  public synchronized void start() {
    if (worker != null) {
      return;
    }
    Path directory = trail.journalDirectory().resolve("intake");
    IntakeLog log;
    try {
      log =
          IntakeLog.open(
              directory,
              settings.intakeMaxSize().toBytes(),
              PierProperties.INTAKE_SEGMENT_BYTES,
              settings.intakeForcePerRecord());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the audit intake log in " + directory + " cannot be opened", e);
    }
    ids = new CaptureIds(log.salt());
    long next = log.nextSequence();
    resumeAfter =
        trail
            .lastStoredInferenceId()
            .flatMap(ids::origin)
            .filter(origin -> origin.sequence() < next)
            .orElse(null);
    if (log.pending() > 0) {
      InferenceAudit.log.info(
          "The audit intake log holds {} captures; {} after the last stored record are recorded"
              + " again",
          log.pending(),
          resumeAfter == null ? log.pending() : next - 1 - resumeAfter.sequence());
    }
    intake = log;
    Thread thread = new Thread(this::run, "pier-inference-audit");
    thread.setDaemon(true);
    worker = thread;
    thread.start();
  }

  /**
   * Stops taking captures, gives the audit thread up to {@link #DRAIN_AT_STOP} to submit what the
   * log holds, and closes the log: what is left is recorded at the next start.
   */
  @Override
  public synchronized void stop() {
    Thread thread = worker;
    IntakeLog log = intake;
    worker = null;
    intake = null;
    if (thread != null) {
      try {
        thread.join(DRAIN_AT_STOP.plusSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (log != null) {
      try {
        log.close();
      } catch (IOException e) {
        InferenceAudit.log.warn("closing the audit intake log failed", e);
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
