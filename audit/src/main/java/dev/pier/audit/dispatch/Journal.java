package dev.pier.audit.dispatch;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.AuditRecordJson;
import dev.pier.audit.chain.ChainHead;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The dispatcher's on-disk spool: sealed records that the sink has not taken yet, in order.
 *
 * <p>Layout: append-only segment files {@code segment-<20 digits>.log}; each record is one frame
 * (4-byte big-endian length, 4-byte CRC32C of the payload, the record's JSON). {@link #append}
 * writes a batch and forces it to disk before returning. A {@code checkpoint} file names the first
 * undelivered frame; {@link #commit} advances it and deletes segments that hold only delivered
 * frames, and an emptied journal starts a fresh segment. The checkpoint is replaced atomically but
 * not forced: after a power loss it may lag, and frames already delivered are delivered again,
 * which the sink's idempotent write absorbs.
 *
 * <p>{@link #open} checks every frame: the first short or corrupt frame (a write torn by a crash)
 * and everything after it in that segment are cut off, so the journal always ends at the last
 * complete batch. A lock file keeps a second dispatcher out of the same directory.
 *
 * <p>Not thread-safe: the dispatcher's writer thread owns it.
 */
final class Journal implements Closeable {
  private static final System.Logger LOG = System.getLogger(Journal.class.getName());
  private static final String SEGMENT_PREFIX = "segment-";
  private static final String SEGMENT_SUFFIX = ".log";
  private static final String CHECKPOINT = "checkpoint";
  private static final int HEADER_BYTES = 8;
  static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

  /** Where a frame starts. */
  record Position(long segment, long offset) {}

  /** Records read from the journal, and where the frame after the last of them starts. */
  record Chunk(List<AuditRecord> records, Position end) {}

  private final Path directory;
  private final long maxBytes;
  private final long segmentBytes;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final TreeMap<Long, Long> segmentSizes = new TreeMap<>();
  private final Map<String, ChainHead> heads = new HashMap<>();
  private final Map<String, String> headIds = new HashMap<>();
  private FileChannel writer;
  private long writerSegment;
  private Position committed;
  private long pending;
  private long truncatedBytes;

  private Journal(
      Path directory, long maxBytes, long segmentBytes, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (or creates) the journal in {@code directory}, cutting off a torn tail.
   *
   * @throws IllegalStateException if another dispatcher holds the directory
   */
  static Journal open(Path directory, long maxBytes, long segmentBytes) throws IOException {
    Files.createDirectories(directory);
    FileChannel lockChannel =
        FileChannel.open(
            directory.resolve("journal.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IllegalStateException(
          "the audit journal " + directory + " is in use by another dispatcher");
    }
    Journal journal = new Journal(directory, maxBytes, segmentBytes, lockChannel, lock);
    try {
      journal.recover();
    } catch (IOException | RuntimeException e) {
      journal.close();
      throw e;
    }
    return journal;
  }

  private void recover() throws IOException {
    List<Long> numbers = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.startsWith(SEGMENT_PREFIX) && name.endsWith(SEGMENT_SUFFIX))
          .forEach(
              name ->
                  numbers.add(
                      Long.parseLong(
                          name.substring(
                              SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length()))));
    }
    numbers.sort(null);
    Position checkpoint = readCheckpoint();
    for (long number : numbers) {
      if (checkpoint != null && number < checkpoint.segment()) {
        // Only delivered frames: left over from a commit interrupted before it deleted them.
        Files.deleteIfExists(segment(number));
        continue;
      }
      segmentSizes.put(number, scan(number, checkpoint));
    }
    if (segmentSizes.isEmpty()) {
      long next = checkpoint == null ? 1 : checkpoint.segment() + 1;
      startSegment(Math.max(next, numbers.isEmpty() ? 1 : numbers.get(numbers.size() - 1) + 1));
      committed = new Position(writerSegment, 0);
    } else {
      long first = segmentSizes.firstKey();
      if (checkpoint == null || checkpoint.segment() < first) {
        committed = new Position(first, 0);
      } else {
        committed =
            new Position(
                checkpoint.segment(),
                Math.min(checkpoint.offset(), segmentSizes.get(checkpoint.segment())));
      }
      writerSegment = segmentSizes.lastKey();
      writer = FileChannel.open(segment(writerSegment), StandardOpenOption.WRITE);
      writer.position(segmentSizes.get(writerSegment));
    }
    if (truncatedBytes > 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "audit journal " + directory + ": cut off " + truncatedBytes + " bytes of a torn write");
    }
  }

  /** Validates a segment's frames, cuts it at the first bad one; returns its valid length. */
  private long scan(long number, Position checkpoint) throws IOException {
    Path file = segment(number);
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      long offset = 0;
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      while (offset < size) {
        AuditRecord record = readFrame(channel, offset, size, header);
        if (record == null) {
          break;
        }
        track(record);
        boolean undelivered =
            checkpoint == null
                || number > checkpoint.segment()
                || (number == checkpoint.segment() && offset >= checkpoint.offset());
        if (undelivered) {
          pending++;
        }
        offset += HEADER_BYTES + header.getInt(0);
      }
      if (offset < size) {
        truncatedBytes += size - offset;
        channel.truncate(offset);
        channel.force(true);
      }
      return offset;
    }
  }

  /** The record of the frame at {@code offset}, or null if the frame is short or corrupt. */
  private static AuditRecord readFrame(
      FileChannel channel, long offset, long size, ByteBuffer header) throws IOException {
    if (size - offset < HEADER_BYTES) {
      return null;
    }
    header.clear();
    readFully(channel, header, offset);
    int length = header.getInt(0);
    int checksum = header.getInt(4);
    if (length <= 0 || length > MAX_FRAME_BYTES || size - offset - HEADER_BYTES < length) {
      return null;
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    readFully(channel, payload, offset + HEADER_BYTES);
    CRC32C crc = new CRC32C();
    crc.update(payload.array(), 0, length);
    if ((int) crc.getValue() != checksum) {
      return null;
    }
    try {
      return AuditRecordJson.fromBytes(payload.array());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, at);
      if (read < 0) {
        throw new IOException("unexpected end of journal segment");
      }
      at += read;
    }
    buffer.flip();
  }

  /** Whether every record in the journal has been delivered. */
  boolean isEmpty() {
    return pending == 0;
  }

  long pendingRecords() {
    return pending;
  }

  /** The bytes the journal's segments take on disk, delivered frames not yet deleted included. */
  long sizeBytes() {
    long total = 0;
    for (long size : segmentSizes.values()) {
      total += size;
    }
    return total;
  }

  long truncatedBytes() {
    return truncatedBytes;
  }

  boolean hasRoomFor(long bytes) {
    return sizeBytes() + bytes <= maxBytes;
  }

  /** The last record of each stream the journal holds, delivered or not. */
  Map<String, ChainHead> heads() {
    return Map.copyOf(heads);
  }

  /** The id of each stream's head record in {@link #heads()}. */
  Map<String, String> headIds() {
    return Map.copyOf(headIds);
  }

  /** The bytes a record takes in the journal. */
  static long frameBytes(AuditRecord record) {
    return HEADER_BYTES + AuditRecordJson.toBytes(record).length;
  }

  /** Appends sealed records and forces them to disk. */
  void append(List<AuditRecord> records) throws IOException {
    if (records.isEmpty()) {
      return;
    }
    List<byte[]> payloads = new ArrayList<>(records.size());
    long bytes = 0;
    for (AuditRecord record : records) {
      byte[] payload = AuditRecordJson.toBytes(record);
      if (payload.length > MAX_FRAME_BYTES) {
        throw new IOException("audit record " + record.id() + " is larger than a journal frame");
      }
      payloads.add(payload);
      bytes += HEADER_BYTES + payload.length;
    }
    long size = segmentSizes.get(writerSegment);
    if (size > 0 && size + bytes > segmentBytes) {
      writer.force(false);
      writer.close();
      startSegment(writerSegment + 1);
      size = 0;
    }
    ByteBuffer frames = ByteBuffer.allocate(Math.toIntExact(bytes));
    CRC32C crc = new CRC32C();
    for (byte[] payload : payloads) {
      crc.reset();
      crc.update(payload);
      frames.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
    }
    frames.flip();
    long start = size;
    try {
      while (frames.hasRemaining()) {
        writer.write(frames);
      }
      writer.force(false);
    } catch (IOException e) {
      // Leave no half batch behind: the next open would cut it off anyway.
      try {
        writer.truncate(start);
        writer.position(start);
      } catch (IOException ignored) {
        // The torn tail is cut off when the journal is opened next.
      }
      throw e;
    }
    segmentSizes.put(writerSegment, start + bytes);
    pending += records.size();
    for (AuditRecord record : records) {
      track(record);
    }
  }

  /** Keeps the record as its stream's head if it is the latest the journal has seen. */
  private void track(AuditRecord record) {
    ChainHead known = heads.get(record.stream());
    if (known == null || record.sequence() > known.sequence()) {
      heads.put(record.stream(), ChainHead.of(record));
      headIds.put(record.stream(), record.id());
    }
  }

  /** Up to {@code maxRecords} undelivered records, oldest first. */
  Chunk read(int maxRecords) throws IOException {
    List<AuditRecord> records = new ArrayList<>();
    Position position = committed;
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    while (records.size() < maxRecords && records.size() < pending) {
      Long size = segmentSizes.get(position.segment());
      if (size == null) {
        break;
      }
      if (position.offset() >= size) {
        Long next = segmentSizes.higherKey(position.segment());
        if (next == null) {
          break;
        }
        position = new Position(next, 0);
        continue;
      }
      try (FileChannel channel =
          FileChannel.open(segment(position.segment()), StandardOpenOption.READ)) {
        long offset = position.offset();
        while (offset < size && records.size() < maxRecords) {
          AuditRecord record = readFrame(channel, offset, size, header);
          if (record == null) {
            throw new IOException(
                "audit journal frame at " + position.segment() + ":" + offset + " is corrupt");
          }
          records.add(record);
          offset += HEADER_BYTES + header.getInt(0);
        }
        position = new Position(position.segment(), offset);
      }
    }
    return new Chunk(records, position);
  }

  /** Marks a chunk delivered: moves the checkpoint past it and deletes spent segments. */
  void commit(Chunk chunk) throws IOException {
    pending -= chunk.records().size();
    committed = chunk.end();
    if (pending == 0) {
      // Everything delivered: start afresh, so the disk budget is whole again.
      writer.close();
      long next = writerSegment + 1;
      for (long number : List.copyOf(segmentSizes.keySet())) {
        Files.deleteIfExists(segment(number));
      }
      segmentSizes.clear();
      startSegment(next);
      committed = new Position(writerSegment, 0);
    }
    writeCheckpoint();
    for (long number : List.copyOf(segmentSizes.headMap(committed.segment()).keySet())) {
      Files.deleteIfExists(segment(number));
      segmentSizes.remove(number);
    }
  }

  private void startSegment(long number) throws IOException {
    writerSegment = number;
    writer =
        FileChannel.open(
            segment(number),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    segmentSizes.put(number, 0L);
  }

  private Path segment(long number) {
    return directory.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, number, SEGMENT_SUFFIX));
  }

  private Position readCheckpoint() throws IOException {
    Path file = directory.resolve(CHECKPOINT);
    if (!Files.exists(file)) {
      return null;
    }
    String[] parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
    try {
      return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "audit journal checkpoint is unreadable; replaying all");
      return null;
    }
  }

  private void writeCheckpoint() throws IOException {
    Path temporary = directory.resolve(CHECKPOINT + ".tmp");
    Files.writeString(
        temporary,
        committed.segment() + " " + committed.offset() + "\n",
        StandardCharsets.US_ASCII);
    Files.move(
        temporary,
        directory.resolve(CHECKPOINT),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() throws IOException {
    try {
      if (writer != null && writer.isOpen()) {
        writer.close();
      }
    } finally {
      try {
        if (lock.isValid()) {
          lock.release();
        }
      } finally {
        lockChannel.close();
      }
    }
  }
}
