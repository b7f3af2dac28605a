package dev.pier.audit.dispatch;

import static dev.pier.audit.testing.TestRecords.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.chain.ChainHead;
import dev.pier.audit.testing.TestRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  private static final long BUDGET = 1 << 20;

  @TempDir Path directory;

  private static List<AuditRecord> records(int count) {
    return TestRecords.sealed(
        "node.inference",
        count,
        index -> TestRecords.inference(T0.plusMillis(index), "j-" + index, "iris"));
  }

  private Journal open(long segmentBytes) throws IOException {
    return Journal.open(directory, BUDGET, segmentBytes);
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(file -> file.getFileName().toString().startsWith("segment-"))
          .sorted()
          .toList();
    }
  }

  @Test
  void recordsAreReadBackInOrderUntilCommitted() throws IOException {
    List<AuditRecord> records = records(25);
    try (Journal journal = open(BUDGET)) {
      journal.append(records.subList(0, 10));
      journal.append(records.subList(10, 25));

      Journal.Chunk first = journal.read(20);
      assertThat(first.records()).containsExactlyElementsOf(records.subList(0, 20));
      assertThat(journal.read(20).records())
          .as("reading does not consume")
          .isEqualTo(first.records());

      journal.commit(first);
      assertThat(journal.pendingRecords()).isEqualTo(5);
      assertThat(journal.read(20).records()).containsExactlyElementsOf(records.subList(20, 25));
    }
  }

  @Test
  void undeliveredRecordsSurviveReopening() throws IOException {
    List<AuditRecord> records = records(30);
    try (Journal journal = open(BUDGET)) {
      journal.append(records);
      journal.commit(journal.read(12));
    }

    try (Journal reopened = open(BUDGET)) {
      assertThat(reopened.pendingRecords()).isEqualTo(18);
      assertThat(reopened.read(100).records()).containsExactlyElementsOf(records.subList(12, 30));
      assertThat(reopened.heads()).containsEntry("node.inference", ChainHead.of(records.get(29)));
    }
  }

  @Test
  void segmentsRollAndSpentOnesAreDeleted() throws IOException {
    List<AuditRecord> records = records(40);
    try (Journal journal = open(4 * 1024)) {
      for (int start = 0; start < 40; start += 4) {
        journal.append(records.subList(start, start + 4));
      }
      int written = segments().size();
      assertThat(written).isGreaterThan(3);

      journal.commit(journal.read(30));
      assertThat(segments().size()).isLessThan(written);
      assertThat(journal.read(100).records()).containsExactlyElementsOf(records.subList(30, 40));

      long before = journal.sizeBytes();
      journal.commit(journal.read(100));
      assertThat(journal.isEmpty()).isTrue();
      assertThat(journal.sizeBytes())
          .as("an emptied journal frees all its space")
          .isZero()
          .isLessThan(before);
      assertThat(segments()).hasSize(1);
    }
    try (Journal reopened = open(4 * 1024)) {
      assertThat(reopened.isEmpty()).isTrue();
      assertThat(reopened.heads()).as("heads survive in the heads file, not here").isEmpty();
    }
  }

  @Test
  void aTornLastFrameIsCutOffAndAppendingGoesOn() throws IOException {
    List<AuditRecord> records = records(12);
    try (Journal journal = open(BUDGET)) {
      journal.append(records.subList(0, 10));
    }
    Path segment = segments().get(0);
    long complete = Files.size(segment);
    // A crash in the middle of a write: a header that promises more bytes than follow.
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.allocate(8 + 5).putInt(400).putInt(12345).put(new byte[5]).flip());
    }

    try (Journal reopened = open(BUDGET)) {
      assertThat(reopened.truncatedBytes()).isEqualTo(13);
      assertThat(Files.size(segment)).isEqualTo(complete);
      assertThat(reopened.read(100).records()).containsExactlyElementsOf(records.subList(0, 10));

      reopened.append(records.subList(10, 12));
      assertThat(reopened.read(100).records()).containsExactlyElementsOf(records);
    }
  }

  @Test
  void aFrameWhoseChecksumFailsEndsTheJournal() throws IOException {
    List<AuditRecord> records = records(5);
    try (Journal journal = open(BUDGET)) {
      journal.append(records.subList(0, 4));
      journal.append(records.subList(4, 5));
    }
    Path segment = segments().get(0);
    long size = Files.size(segment);
    // Flip one byte inside the last frame's payload.
    try (FileChannel channel =
        FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, size - 3);
      one.put(0, (byte) (one.get(0) ^ 0x40));
      channel.write(one.rewind(), size - 3);
    }

    try (Journal reopened = open(BUDGET)) {
      assertThat(reopened.read(100).records()).containsExactlyElementsOf(records.subList(0, 4));
      assertThat(reopened.truncatedBytes()).isPositive();
    }
  }

  @Test
  void aShortHeaderAtTheEndIsCutOff() throws IOException {
    try (Journal journal = open(BUDGET)) {
      journal.append(records(3));
    }
    Path segment = segments().get(0);
    Files.write(segment, new byte[] {0, 0, 1}, StandardOpenOption.APPEND);

    try (Journal reopened = open(BUDGET)) {
      assertThat(reopened.pendingRecords()).isEqualTo(3);
      assertThat(reopened.truncatedBytes()).isEqualTo(3);
    }
  }

  @Test
  void theBudgetCountsEverySegmentOnDisk() throws IOException {
    try (Journal journal = Journal.open(directory, 10 * 1024, 2 * 1024)) {
      assertThat(journal.hasRoomFor(10 * 1024)).isTrue();
      journal.append(records(6));
      assertThat(journal.sizeBytes())
          .isEqualTo(
              Files.size(segments().get(0))
                  + (segments().size() > 1 ? Files.size(segments().get(1)) : 0));
      assertThat(journal.hasRoomFor(10 * 1024)).isFalse();
    }
  }

  @Test
  void aDirectoryInUseIsRefused() throws IOException {
    try (Journal journal = open(BUDGET)) {
      assertThatThrownBy(() -> open(BUDGET))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use");
    }
    try (Journal again = open(BUDGET)) {
      assertThat(again.isEmpty()).isTrue();
    }
  }
}
