package dev.pier.audit.dispatch;

import dev.pier.audit.AuditKind;
import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditSink;
import dev.pier.audit.chain.ChainHead;
import dev.pier.audit.chain.HashChain;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Takes audit records off the request path and delivers every one of them, in order, exactly once
 * (as the sink stores them).
 *
 * <p><b>Submitting.</b> {@link #submit} puts an unsealed record into a bounded queue and returns;
 * it waits at most {@link DispatcherSettings#submitTimeout()} for room. Any thread may submit.
 *
 * <p><b>Sealing.</b> One writer thread takes records in submission order, puts each into its kind's
 * stream ({@link DispatcherSettings#stream}) with the next sequence number and chain hash, and
 * writes batches to the sink.
 *
 * <p><b>When the sink fails or is slow.</b> A write that fails, or takes longer than the sink
 * timeout, sends its batch to the {@link Journal} (forced to disk), and from then on every batch
 * goes to the journal behind it, so order holds. The writer replays the journal, oldest first, with
 * retries backing off from {@code retryInitial} to {@code retryMax}; once the journal is empty it
 * writes to the sink directly again. A write that timed out may still land: the sink's idempotent
 * write stores the replayed copy once. With the journal's budget full, {@link FullDiskPolicy}
 * decides: BLOCK waits (and {@code submit} refuses after its wait), SHED drops inference records
 * before they are sealed (so no gap appears in the chain), counts and reports them. Admin events
 * are never shed. Records the sink refuses for good are set aside in {@code rejected.jsonl}.
 *
 * <p><b>Restarts.</b> {@link #start} opens the journal (cutting off a write torn by a crash),
 * recovers each stream's head from the journal, the chain-heads file and the sink (the latest
 * wins), and replays what the journal holds before anything new. Records still in the queue when a
 * process dies are lost; records in the journal or the sink are not. A submitter that must survive
 * a crash keeps its own durable copy until {@link #settled} says the dispatcher is done with a
 * record, and at restart asks {@link #lastStoredId} where to continue (the control plane's intake
 * log does both).
 *
 * <p><b>Closing.</b> {@link #close} stops accepting, delivers what is queued and journaled for up
 * to {@code closeTimeout}, and leaves the rest in the journal for the next start. It does not close
 * the sink.
 */
public final class AuditDispatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AuditDispatcher.class.getName());
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** More than sealing adds to a record's journal frame: stream, sequence, hashes, signature. */
  private static final long SEAL_BYTES = 512;

  private final AuditSink sink;
  private final DispatcherSettings settings;
  private final AuditAlerts alerts;
  private final ArrayBlockingQueue<AuditRecord> queue;
  private final Journal journal;
  private final ChainHeadsFile headsFile;
  private final RejectedRecords rejectedRecords;
  private final HashChain chain;
  private final ExecutorService sinkCalls;
  private final Thread writer;
  private final Object wakeUp = new Object();
  private final Counters counters = new Counters();

  private volatile boolean closing;
  private volatile boolean halted;
  private volatile long closeDeadline;
  private volatile Map<String, ChainHead> heads;
  private volatile Map<String, String> storedIds;
  private final AtomicLong[] settled = new AtomicLong[AuditKind.values().length];

  // Writer thread only: the id of each stream's last sealed record.
  private final Map<String, String> sealedIds;

  /** Records the writer has taken from the queue; set after {@link #busy}. */
  private volatile long taken;

  /** Whether the writer is handling records it has taken. */
  private volatile boolean busy;

  private volatile boolean spoolingNow;

  // Writer thread only.
  private Future<AuditSink.WriteResult> slowWrite;
  private boolean spooling;
  private boolean outage;
  private long nextReplayNanos;
  private long retryNanos;

  private AuditDispatcher(
      AuditSink sink,
      DispatcherSettings settings,
      AuditAlerts alerts,
      Journal journal,
      Map<String, ChainHeadsFile.Entry> recovered,
      ExecutorService sinkCalls) {
    this.sink = sink;
    this.settings = settings;
    this.alerts = alerts;
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.journal = journal;
    this.headsFile = new ChainHeadsFile(settings.journalDirectory());
    this.rejectedRecords = new RejectedRecords(settings.journalDirectory());
    Map<String, ChainHead> recoveredHeads = new HashMap<>();
    this.sealedIds = new HashMap<>();
    recovered.forEach(
        (stream, entry) -> {
          recoveredHeads.put(stream, entry.head());
          if (entry.recordId() != null) {
            sealedIds.put(stream, entry.recordId());
          }
        });
    this.chain = new HashChain(recoveredHeads, settings.signingKey());
    this.heads = chain.heads();
    this.storedIds = Map.copyOf(sealedIds);
    for (int kind = 0; kind < settled.length; kind++) {
      settled[kind] = new AtomicLong();
    }
    this.sinkCalls = sinkCalls;
    this.spooling = !journal.isEmpty();
    this.retryNanos = settings.retryInitial().toNanos();
    this.nextReplayNanos = System.nanoTime();
    this.spoolingNow = spooling;
    this.writer = new Thread(this::run, "pier-audit-writer-" + settings.node());
    this.writer.setDaemon(true);
    updateJournalGauges();
  }

  /**
   * Opens the journal, recovers the chain heads and starts the writer thread.
   *
   * @throws IllegalStateException if another dispatcher uses the journal directory
   */
  public static AuditDispatcher start(
      AuditSink sink, DispatcherSettings settings, AuditAlerts alerts) throws IOException {
    Journal journal =
        Journal.open(
            settings.journalDirectory(),
            settings.journalMaxBytes(),
            settings.journalSegmentBytes());
    ExecutorService sinkCalls =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "pier-audit-sink-" + settings.node());
              thread.setDaemon(true);
              return thread;
            });
    try {
      Map<String, ChainHeadsFile.Entry> recovered =
          recoverHeads(sink, settings, journal, sinkCalls);
      AuditDispatcher dispatcher =
          new AuditDispatcher(sink, settings, alerts, journal, recovered, sinkCalls);
      dispatcher.writer.start();
      return dispatcher;
    } catch (IOException | RuntimeException e) {
      sinkCalls.shutdownNow();
      journal.close();
      throw e;
    }
  }

  /**
   * The latest of each stream's head, and its record's id, as the journal, the heads file and the
   * sink know it.
   */
  private static Map<String, ChainHeadsFile.Entry> recoverHeads(
      AuditSink sink, DispatcherSettings settings, Journal journal, ExecutorService sinkCalls)
      throws IOException {
    Map<String, ChainHeadsFile.Entry> heads =
        new HashMap<>(new ChainHeadsFile(settings.journalDirectory()).read());
    Map<String, String> journalIds = journal.headIds();
    journal
        .heads()
        .forEach(
            (stream, head) ->
                heads.merge(
                    stream,
                    new ChainHeadsFile.Entry(head, journalIds.get(stream)),
                    AuditDispatcher::later));
    for (AuditKind kind : AuditKind.values()) {
      String stream = settings.stream(kind);
      Future<Optional<AuditRecord>> last = sinkCalls.submit(() -> sink.last(stream));
      try {
        last.get(settings.sinkTimeout().toNanos(), TimeUnit.NANOSECONDS)
            .ifPresent(
                record ->
                    heads.merge(
                        stream,
                        new ChainHeadsFile.Entry(ChainHead.of(record), record.id()),
                        AuditDispatcher::later));
      } catch (ExecutionException | TimeoutException e) {
        last.cancel(true);
        LOG.log(
            System.Logger.Level.WARNING,
            "audit sink unreachable at start ("
                + (e instanceof ExecutionException ? e.getCause() : e)
                + "); stream "
                + stream
                + " continues from the local journal and heads file");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while recovering the audit chain", e);
      }
    }
    return heads;
  }

  /** The entry with the later head; the first on a tie, unless it lacks the record id. */
  private static ChainHeadsFile.Entry later(ChainHeadsFile.Entry one, ChainHeadsFile.Entry other) {
    long first = one.head().sequence();
    long second = other.head().sequence();
    return second > first || (second == first && one.recordId() == null) ? other : one;
  }

  /**
   * Queues an unsealed record for delivery.
   *
   * @throws AuditRejectedException if the queue stayed full for the submit timeout (under {@link
   *     FullDiskPolicy#SHED}, an inference record is shed instead and this returns normally)
   * @throws IllegalStateException after {@link #close}
   */
  public void submit(AuditRecord record) {
    if (record.isSealed()) {
      throw new IllegalArgumentException("record " + record.id() + " is sealed already");
    }
    if (closing) {
      throw new IllegalStateException("the audit dispatcher is closed");
    }
    boolean accepted;
    try {
      accepted = queue.offer(record, settings.submitTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      counters.refused.incrementAndGet();
      throw new AuditRejectedException("interrupted while waiting for the audit queue");
    }
    if (accepted) {
      counters.submitted.incrementAndGet();
      if (queue.size() >= settings.batchSize()) {
        LockSupport.unpark(writer); // a full batch need not wait out the batch delay
      }
      return;
    }
    if (settings.fullDiskPolicy() == FullDiskPolicy.SHED && record.kind() == AuditKind.INFERENCE) {
      shed(1, "audit queue full");
      settled[AuditKind.INFERENCE.ordinal()].incrementAndGet();
      return;
    }
    counters.refused.incrementAndGet();
    throw new AuditRejectedException(
        "audit queue full for " + settings.submitTimeout().toMillis() + " ms");
  }

  public AuditMetrics metrics() {
    return counters;
  }

  /** Each stream's last sealed record (the expected head when verifying it). */
  public Map<String, ChainHead> heads() {
    return heads;
  }

  /**
   * The id of the stream's last record that reached the sink or the journal, so survives this
   * process; at start, the one recovered from the journal, the heads file or the sink. Empty when
   * the stream has none or its id is not known (a heads file from an older version).
   */
  public Optional<String> lastStoredId(String stream) {
    return Optional.ofNullable(storedIds.get(stream));
  }

  /**
   * How many records of a kind, of those submitted to this dispatcher, it is done with: stored in
   * the sink or the journal, set aside as refused, or shed. Records are settled in submission
   * order, so a single submitter of a kind knows that its first {@code settled(kind)} records need
   * nothing more from it.
   */
  public long settled(AuditKind kind) {
    return settled[kind.ordinal()].get();
  }

  /**
   * Waits until everything submitted so far has been delivered to the sink (nothing queued, nothing
   * journaled, nothing being written).
   *
   * @return false if that did not happen within the timeout
   */
  public boolean awaitDelivered(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long target = counters.submitted.get();
    synchronized (wakeUp) {
      // taken is raised after busy is set, so reading it first and then busy is safe.
      while (taken < target || busy || spoolingNow) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0 || !writer.isAlive()) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(wakeUp, remaining);
      }
      return true;
    }
  }

  /**
   * Stops accepting records, delivers what it holds for up to the close timeout, and leaves the
   * rest in the journal. Idempotent.
   */
  @Override
  public void close() {
    if (!closing) {
      closeDeadline = System.nanoTime() + settings.closeTimeout().toNanos();
      closing = true;
    }
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
    try {
      writer.join(settings.closeTimeout().plus(settings.sinkTimeout()).plusSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sinkCalls.shutdownNow();
    if (writer.isAlive()) {
      LOG.log(System.Logger.Level.ERROR, "audit writer did not stop; its journal stays locked");
    }
  }

  /**
   * Stops the writer as a crash would: no more writes of any kind, nothing flushed, the journal's
   * lock released. For tests of recovery.
   */
  void halt() throws InterruptedException {
    halted = true;
    closing = true;
    writer.interrupt();
    writer.join();
    sinkCalls.shutdownNow();
  }

  private void run() {
    try {
      while (!halted) {
        List<AuditRecord> batch = takeBatch();
        if (halted) {
          return;
        }
        if (!batch.isEmpty()) {
          accept(batch);
        }
        if (spooling && System.nanoTime() - nextReplayNanos >= 0) {
          replay();
        }
        settle();
        if (closing && queue.isEmpty() && (!spooling || System.nanoTime() - closeDeadline >= 0)) {
          break;
        }
      }
      if (!halted) {
        keepLateRecords();
      }
    } catch (InterruptedException e) {
      if (!halted) {
        LOG.log(System.Logger.Level.ERROR, "audit writer interrupted; the rest stays journaled", e);
      }
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.ERROR, "audit writer failed; the rest stays journaled", e);
    } finally {
      if (!halted) {
        writeHeads();
      }
      try {
        journal.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "closing the audit journal failed", e);
      }
      settle();
    }
  }

  /** Records submitted while closing, after the queue was drained: journaled for the next start. */
  private void keepLateRecords() throws InterruptedException {
    List<AuditRecord> late = new ArrayList<>();
    queue.drainTo(late);
    if (!late.isEmpty()) {
      busy = true;
      taken += late.size();
      appendToJournal(seal(late));
      spooling = true;
    }
  }

  /** Publishes the writer's progress to {@link #awaitDelivered}. */
  private void settle() {
    synchronized (wakeUp) {
      busy = false;
      spoolingNow = spooling;
      wakeUp.notifyAll();
    }
  }

  private List<AuditRecord> takeBatch() throws InterruptedException {
    long wait;
    if (spooling) {
      wait = Math.max(0, Math.min(IDLE_POLL_NANOS, nextReplayNanos - System.nanoTime()));
    } else {
      wait = closing ? 0 : IDLE_POLL_NANOS;
    }
    AuditRecord first = queue.poll(wait, TimeUnit.NANOSECONDS);
    if (first == null) {
      return List.of();
    }
    busy = true;
    List<AuditRecord> batch = new ArrayList<>(settings.batchSize());
    batch.add(first);
    queue.drainTo(batch, settings.batchSize() - 1);
    // Sleeps while the batch fills rather than waiting on the queue: a writer waiting there is
    // woken by every record submitted, which under a steady trickle of requests cost more CPU
    // than the records themselves; a sleeping one wakes once per batch, or when the batch is full
    // ({@link #submit} wakes it).
    long deadline = System.nanoTime() + settings.batchDelay().toNanos();
    while (batch.size() < settings.batchSize() && !closing) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      LockSupport.parkNanos(this, remaining);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      queue.drainTo(batch, settings.batchSize() - batch.size());
    }
    taken += batch.size();
    return batch;
  }

  private void accept(List<AuditRecord> batch) throws InterruptedException {
    // Admission may replay the journal to make room, and find the sink back.
    List<AuditRecord> admitted = spooling ? admit(batch) : batch;
    if (admitted.isEmpty()) {
      return;
    }
    List<AuditRecord> sealed = seal(admitted);
    if (spooling) {
      appendToJournal(sealed);
      return;
    }
    if (deliver(sealed)) {
      stored(sealed);
      writeHeads();
      return;
    }
    // Sealed already: journaled even beyond the budget, or the chain would have a gap.
    appendToJournal(sealed);
    spooling = true;
    scheduleRetry();
  }

  /** The records of a batch the journal has room for, waiting for room under BLOCK. */
  private List<AuditRecord> admit(List<AuditRecord> batch) throws InterruptedException {
    long[] sizes = new long[batch.size()];
    long total = 0;
    for (int index = 0; index < sizes.length; index++) {
      sizes[index] = Journal.frameBytes(batch.get(index)) + SEAL_BYTES;
      total += sizes[index];
    }
    if (settings.fullDiskPolicy() == FullDiskPolicy.BLOCK) {
      // An empty journal takes any batch: the budget is never smaller than one batch's worth.
      while (!journal.hasRoomFor(total) && !journal.isEmpty() && !halted) {
        if (closing && System.nanoTime() - closeDeadline >= 0) {
          // Closing: keeping the records beats keeping the budget.
          break;
        }
        if (System.nanoTime() - nextReplayNanos >= 0) {
          replay();
        }
        if (!journal.hasRoomFor(total) && !journal.isEmpty()) {
          waitForRetry();
        }
      }
      return batch;
    }
    List<AuditRecord> admitted = new ArrayList<>(batch.size());
    long admittedBytes = 0;
    int dropped = 0;
    for (int index = 0; index < sizes.length; index++) {
      AuditRecord record = batch.get(index);
      if (record.kind() == AuditKind.ADMIN
          || journal.hasRoomFor(admittedBytes + sizes[index])
          || (journal.isEmpty() && admitted.isEmpty())) {
        admitted.add(record);
        admittedBytes += sizes[index];
      } else {
        dropped++;
      }
    }
    if (dropped > 0) {
      shed(dropped, "audit journal full");
      settled[AuditKind.INFERENCE.ordinal()].addAndGet(dropped);
    }
    return admitted;
  }

  private List<AuditRecord> seal(List<AuditRecord> batch) {
    List<AuditRecord> sealed = new ArrayList<>(batch.size());
    for (AuditRecord record : batch) {
      AuditRecord placed = chain.append(settings.stream(record.kind()), record);
      sealedIds.put(placed.stream(), placed.id());
      sealed.add(placed);
    }
    heads = chain.heads();
    return sealed;
  }

  /** Writes to the sink within the sink timeout; whether the sink took the records. */
  private boolean deliver(List<AuditRecord> records) throws InterruptedException {
    if (slowWrite != null && !slowWrite.isDone()) {
      return false;
    }
    slowWrite = null;
    Future<AuditSink.WriteResult> write = sinkCalls.submit(() -> sink.write(records));
    AuditSink.WriteResult result;
    try {
      result = write.get(settings.sinkTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      slowWrite = write;
      failed(
          new TimeoutException(
              "the audit sink took longer than " + settings.sinkTimeout().toMillis() + " ms"));
      return false;
    } catch (ExecutionException e) {
      failed(e.getCause());
      return false;
    }
    List<AuditSink.Rejected> rejected = result.rejected();
    counters.delivered.addAndGet(records.size() - rejected.size());
    if (!rejected.isEmpty()) {
      setAside(rejected);
    }
    return true;
  }

  private void failed(Throwable cause) {
    counters.writeFailures.incrementAndGet();
    if (!outage) {
      outage = true;
      LOG.log(
          System.Logger.Level.WARNING,
          "audit sink unavailable, journaling records until it answers: " + cause);
      notify(() -> alerts.sinkUnavailable(cause));
    }
  }

  private void setAside(List<AuditSink.Rejected> rejected) {
    try {
      rejectedRecords.append(rejected);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.ERROR, "could not keep records the audit sink refused", e);
    }
    counters.failed.addAndGet(rejected.size());
    LOG.log(
        System.Logger.Level.ERROR,
        "the audit sink refused "
            + rejected.size()
            + " records for good (kept in rejected.jsonl): "
            + rejected.get(0).reason());
    notify(() -> alerts.recordsRejected(rejected));
  }

  private void appendToJournal(List<AuditRecord> sealed) throws InterruptedException {
    while (!halted) {
      try {
        journal.append(sealed);
        counters.journaled.addAndGet(sealed.size());
        updateJournalGauges();
        stored(sealed);
        writeHeads();
        return;
      } catch (IOException e) {
        LOG.log(System.Logger.Level.ERROR, "audit journal write failed; retrying", e);
        if (closing && System.nanoTime() - closeDeadline >= 0) {
          shed(sealed.size(), "audit journal unwritable at close: " + e.getMessage());
          countSettled(sealed);
          return;
        }
        waitForRetry();
      }
    }
  }

  private void replay() throws InterruptedException {
    Journal.Chunk chunk;
    try {
      chunk = journal.read(settings.batchSize());
    } catch (IOException e) {
      LOG.log(System.Logger.Level.ERROR, "reading the audit journal failed; retrying", e);
      scheduleRetry();
      return;
    }
    if (chunk.records().isEmpty()) {
      recovered();
      return;
    }
    if (!deliver(chunk.records())) {
      scheduleRetry();
      return;
    }
    try {
      journal.commit(chunk);
    } catch (IOException e) {
      // Delivered but not marked: delivered again later, which the sink absorbs.
      LOG.log(System.Logger.Level.WARNING, "audit journal checkpoint failed", e);
    }
    updateJournalGauges();
    retryNanos = settings.retryInitial().toNanos();
    nextReplayNanos = System.nanoTime();
    if (journal.isEmpty()) {
      recovered();
    }
  }

  private void recovered() {
    spooling = false;
    updateJournalGauges();
    writeHeads();
    if (outage) {
      outage = false;
      LOG.log(System.Logger.Level.INFO, "audit sink answers again; the journal is replayed");
      notify(alerts::sinkRecovered);
    }
  }

  private void scheduleRetry() {
    nextReplayNanos = System.nanoTime() + retryNanos;
    retryNanos = Math.min(retryNanos * 2, settings.retryMax().toNanos());
  }

  private void waitForRetry() throws InterruptedException {
    long wait = Math.max(TimeUnit.MILLISECONDS.toNanos(1), nextReplayNanos - System.nanoTime());
    synchronized (wakeUp) {
      TimeUnit.NANOSECONDS.timedWait(wakeUp, Math.min(wait, IDLE_POLL_NANOS));
    }
  }

  private void shed(int count, String reason) {
    long total = counters.shed.addAndGet(count);
    notify(() -> alerts.recordsShed(count, total, reason));
  }

  /** Sealed records that reached the sink or the journal: their ids are published, then counted. */
  private void stored(List<AuditRecord> sealed) {
    storedIds = Map.copyOf(sealedIds);
    countSettled(sealed);
  }

  private void countSettled(List<AuditRecord> records) {
    for (AuditRecord record : records) {
      settled[record.kind().ordinal()].incrementAndGet();
    }
  }

  private void writeHeads() {
    try {
      headsFile.write(chain.heads(), sealedIds);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "writing the audit chain heads failed", e);
    }
  }

  private void updateJournalGauges() {
    counters.journalPending = journal.pendingRecords();
    counters.journalBytes = journal.sizeBytes();
  }

  private static void notify(Runnable alert) {
    try {
      alert.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "an audit alert listener failed", e);
    }
  }

  private final class Counters implements AuditMetrics {
    final AtomicLong submitted = new AtomicLong();
    final AtomicLong journaled = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong writeFailures = new AtomicLong();
    final AtomicLong shed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    volatile long journalPending;
    volatile long journalBytes;

    @Override
    public long submitted() {
      return submitted.get();
    }

    @Override
    public int queued() {
      return queue.size();
    }

    @Override
    public long journaled() {
      return journaled.get();
    }

    @Override
    public long journalPending() {
      return journalPending;
    }

    @Override
    public long journalBytes() {
      return journalBytes;
    }

    @Override
    public long delivered() {
      return delivered.get();
    }

    @Override
    public long failed() {
      return failed.get();
    }

    @Override
    public long writeFailures() {
      return writeFailures.get();
    }

    @Override
    public long shed() {
      return shed.get();
    }

    @Override
    public long refused() {
      return refused.get();
    }
  }
}
