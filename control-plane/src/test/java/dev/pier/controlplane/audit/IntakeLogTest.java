package dev.pier.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntakeLogTest {
  private static final long SEGMENT = 4096;
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

  @TempDir Path directory;
  private final List<IntakeLog> opened = new ArrayList<>();

  @AfterEach
  void closeLogs() throws IOException {
    for (IntakeLog log : opened) {
      log.close();
    }
  }

  private IntakeLog open(long segments) throws IOException {
    IntakeLog log = IntakeLog.open(directory, segments * SEGMENT, SEGMENT, false);
    opened.add(log);
    return log;
  }

  /** What a killed process leaves: the mapped bytes, but no close. */
  private void abandon(IntakeLog log) throws IOException {
    opened.remove(log);
    log.close();
  }

  private static byte[] payload(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(IntakeLog.Entry entry) {
    return new String(entry.payload(), StandardCharsets.UTF_8);
  }

  private static List<String> readAll(IntakeLog log) throws InterruptedException {
    List<String> texts = new ArrayList<>();
    IntakeLog.Entry entry;
    while ((entry = log.next(0)) != null) {
      texts.add(text(entry));
    }
    return texts;
  }

  private static List<String> texts(String prefix, int from, int to) {
    List<String> texts = new ArrayList<>();
    for (int index = from; index < to; index++) {
      texts.add(prefix + index);
    }
    return texts;
  }

  @Test
  void framesAreReadInAppendOrderAcrossSegmentsWithConsecutiveSequences() throws Exception {
    IntakeLog log = open(8);
    for (int index = 0; index < 100; index++) {
      assertThat(log.append(payload("capture-" + index + "-" + "x".repeat(index)), 0))
          .isEqualTo(index + 1);
    }
    assertThat(log.pending()).isEqualTo(100);
    assertThat(log.sizeBytes()).as("more than one segment").isGreaterThan(SEGMENT);

    List<Long> sequences = new ArrayList<>();
    List<String> read = new ArrayList<>();
    IntakeLog.Entry entry;
    while ((entry = log.next(0)) != null) {
      sequences.add(entry.sequence());
      read.add(text(entry));
    }
    assertThat(sequences).hasSize(100).isSorted().startsWith(1L).endsWith(100L);
    for (int index = 0; index < 100; index++) {
      assertThat(read.get(index)).isEqualTo("capture-" + index + "-" + "x".repeat(index));
    }
    assertThat(log.pending()).isZero();
  }

  @Test
  void aReopenedLogReplaysWhatWasNotReleasedInOrderAndContinuesTheSequence() throws Exception {
    IntakeLog first = open(8);
    IntakeLog.Entry releasedUpTo = null;
    for (int index = 0; index < 60; index++) {
      first.append(payload("c" + index + "-" + "y".repeat(100)), 0);
    }
    for (int index = 0; index < 40; index++) {
      releasedUpTo = first.next(0);
    }
    first.release(releasedUpTo.end());
    abandon(first);

    IntakeLog second = open(8);
    List<String> replayed = readAll(second);
    assertThat(replayed)
        .as("whole segments before the released position are gone, the rest comes again")
        .isNotEmpty()
        .hasSizeLessThan(60)
        .endsWith("c59-" + "y".repeat(100));
    int firstReplayed =
        Integer.parseInt(replayed.get(0).substring(1, replayed.get(0).indexOf('-')));
    assertThat(firstReplayed).isLessThanOrEqualTo(40);
    assertThat(replayed.stream().map(text -> text.substring(0, text.indexOf('-'))).toList())
        .containsExactlyElementsOf(texts("c", firstReplayed, 60));
    assertThat(second.append(payload("after"), 0)).isEqualTo(61);
    assertThat(second.next(0).sequence()).isEqualTo(61);
  }

  @Test
  void aFrameTornByAKillIsCutOffAndTheNextFrameTakesItsSequence() throws Exception {
    IntakeLog first = open(4);
    for (int index = 0; index < 3; index++) {
      first.append(payload("whole-" + index), 0);
    }
    abandon(first);
    // A copy cut short: the header claims 500 bytes, 20 of them arrived, the checksum is stale.
    Path segment = onlySegment();
    long end = IntakeLog.SEGMENT_HEADER_BYTES;
    for (int index = 0; index < 3; index++) {
      end += IntakeLog.FRAME_HEADER_BYTES + ("whole-" + index).length();
    }
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ByteBuffer torn = ByteBuffer.allocate(IntakeLog.FRAME_HEADER_BYTES + 20);
      torn.putInt(500).putInt(0x1234).putLong(4).put(payload("x".repeat(20))).flip();
      channel.write(torn, end);
    }

    IntakeLog second = open(4);
    assertThat(readAll(second)).containsExactly("whole-0", "whole-1", "whole-2");
    assertThat(second.append(payload("new"), 0)).isEqualTo(4);
    abandon(second);

    IntakeLog third = open(4);
    assertThat(readAll(third))
        .as("the torn bytes were zeroed: nothing of them reappears behind the new frame")
        .containsExactly("whole-0", "whole-1", "whole-2", "new");
  }

  @Test
  void aFrameWithACorruptChecksumEndsTheLog() throws Exception {
    IntakeLog first = open(4);
    first.append(payload("kept"), 0);
    first.append(payload("corrupt"), 0);
    abandon(first);
    long offset = IntakeLog.SEGMENT_HEADER_BYTES + IntakeLog.FRAME_HEADER_BYTES + 4;
    try (FileChannel channel = FileChannel.open(onlySegment(), StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(payload("X")), offset + IntakeLog.FRAME_HEADER_BYTES + 2);
    }

    IntakeLog second = open(4);
    assertThat(readAll(second)).containsExactly("kept");
    assertThat(second.nextSequence()).isEqualTo(2);
  }

  @Test
  void aFullLogRefusesAfterItsWaitAndTakesFramesAgainOnceSegmentsAreReleased() throws Exception {
    IntakeLog log = open(2);
    byte[] frame = new byte[1000];
    int taken = 0;
    while (log.append(frame, 0) > 0) {
      taken++;
    }
    assertThat(taken).as("two segments of four frames each").isEqualTo(8);
    assertThat(log.append(frame, TimeUnit.MILLISECONDS.toNanos(20))).isEqualTo(-1);
    assertThat(log.sizeBytes()).isEqualTo(2 * SEGMENT);

    ExecutorService appender = Executors.newSingleThreadExecutor();
    try {
      Future<Long> waiting = appender.submit(() -> log.append(frame, WAIT_NANOS));
      IntakeLog.Entry entry = null;
      for (int index = 0; index < 5; index++) {
        entry = log.next(0);
      }
      log.release(entry.end());
      assertThat(waiting.get(30, TimeUnit.SECONDS))
          .as("the blocked append gets the released room")
          .isEqualTo(9);
    } finally {
      appender.shutdownNow();
    }
    assertThat(log.sizeBytes()).isEqualTo(2 * SEGMENT);
  }

  @Test
  void framesFromManyThreadsAreAllReadOnceInSequenceOrder() throws Exception {
    IntakeLog log = open(64);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    List<Future<?>> writers = new ArrayList<>();
    for (int thread = 0; thread < 4; thread++) {
      String prefix = "t" + thread + "-";
      writers.add(
          threads.submit(
              () -> {
                for (int index = 0; index < 500; index++) {
                  if (log.append(payload(prefix + index), WAIT_NANOS) < 0) {
                    throw new AssertionError("refused " + prefix + index);
                  }
                }
                return null;
              }));
    }
    List<IntakeLog.Entry> read = new ArrayList<>();
    while (read.size() < 2_000) {
      IntakeLog.Entry entry = log.next(WAIT_NANOS);
      assertThat(entry).as("frame %d arrives", read.size() + 1).isNotNull();
      read.add(entry);
      log.release(entry.end());
    }
    for (Future<?> writer : writers) {
      writer.get(30, TimeUnit.SECONDS);
    }
    threads.shutdown();
    assertThat(read.stream().map(IntakeLog.Entry::sequence).toList())
        .containsExactlyElementsOf(
            Stream.iterate(1L, sequence -> sequence + 1).limit(2_000).toList());
    for (int thread = 0; thread < 4; thread++) {
      String prefix = "t" + thread + "-";
      assertThat(read.stream().map(IntakeLogTest::text).filter(text -> text.startsWith(prefix)))
          .as("each thread's frames in its own order")
          .containsExactlyElementsOf(texts(prefix, 0, 500));
    }
  }

  @Test
  void aDirectoryServesOneLogAndFramesTooLargeForASegmentAreRefused() throws Exception {
    IntakeLog log = open(2);
    assertThatThrownBy(() -> IntakeLog.open(directory, 2 * SEGMENT, SEGMENT, false))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> log.append(new byte[(int) SEGMENT], 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSaltIsKeptAcrossReopens() throws Exception {
    IntakeLog first = open(2);
    long[] salt = first.salt();
    abandon(first);
    assertThat(open(2).salt()).containsExactly(salt);
  }

  private Path onlySegment() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> segments =
          files.filter(file -> file.getFileName().toString().startsWith("intake-")).toList();
      assertThat(segments).hasSize(1);
      return segments.get(0);
    }
  }
}
