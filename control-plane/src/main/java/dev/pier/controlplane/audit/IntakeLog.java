package dev.pier.controlplane.audit;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of opaque frames in memory-mapped segment files, which the gateway's request
 * threads append to and one consumer reads in order: what survives the control plane being killed
 * between answering a caller and storing the caller's audit records.
 *
 * <p><b>Why memory-mapped.</b> An append is a copy into the page cache under a short lock, no
 * system call: a killed process (even SIGKILL) leaves the copied bytes to the kernel, which writes
 * them back. Only a power loss or kernel crash can lose what was not forced yet; {@link #force} is
 * called about once a second by the consumer, or after every append with {@code forceEach}.
 *
 * <p><b>Layout.</b> Segments {@code intake-<number>.log} of a fixed size, each starting with a
 * header (magic, the sequence of its first frame). A frame is {@code length, CRC32C of the payload,
 * sequence, payload}; sequences are consecutive from 1 across segments. A zero length ends a
 * segment's frames. Opening cuts the log at the first frame that is torn (a short, corrupt or
 * out-of-sequence frame: a process killed in the middle of a copy, whose caller was never
 * answered), zeroes what was torn and continues the sequence after the last whole frame.
 *
 * <p><b>Bounds.</b> At most {@code maxBytes / segmentBytes} segments exist. {@link #append} of a
 * frame that needs a segment beyond that waits for {@link #release} up to its timeout and then
 * refuses it. Released segments (every frame before the position given) are truncated and deleted
 * at once; the one being written is kept, so the next sequence survives a restart.
 *
 * <p>Threads: {@link #append} from any thread; {@link #next}, {@link #release} and {@link #force}
 * from the one consumer. A directory is used by one log at a time (a file lock).
 */
final class IntakeLog implements AutoCloseable {
  static final int SEGMENT_HEADER_BYTES = 16;
  static final int FRAME_HEADER_BYTES = 16;
  private static final int MAGIC = 0x50494E54; // "PINT"
  private static final String PREFIX = "intake-";
  private static final String SUFFIX = ".log";
  private static final Logger log = LoggerFactory.getLogger(IntakeLog.class);

  /**
   * One frame, read.
   *
   * @param sequence its sequence number, from 1
   * @param payload what was appended
   * @param end the position after it: {@link #release} with it frees what is before
   */
  record Entry(long sequence, byte[] payload, long end) {}

  private final Path directory;
  private final long segmentBytes;
  private final int maxSegments;
  private final boolean forceEach;
  private final long[] salt;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();
  private final Condition room = lock.newCondition();

  // Guarded by lock.
  private final TreeMap<Long, MappedByteBuffer> segments = new TreeMap<>();
  private final Set<Long> unforced = new HashSet<>();
  private long writeSegment;
  private int writeOffset;
  private long nextSequence;
  private boolean closed;

  /** The position after the last whole frame; frames before it may be read. */
  private volatile long published;

  /** The sequence of the last frame read by the consumer. */
  private volatile long lastRead;

  // Consumer only.
  private long readSegment;
  private int readOffset;
  private MappedByteBuffer readBuffer;

  private IntakeLog(
      Path directory,
      long segmentBytes,
      int maxSegments,
      boolean forceEach,
      long[] salt,
      FileChannel lockChannel,
      FileLock fileLock) {
    this.directory = directory;
    this.segmentBytes = segmentBytes;
    this.maxSegments = maxSegments;
    this.forceEach = forceEach;
    this.salt = salt;
    this.lockChannel = lockChannel;
    this.fileLock = fileLock;
  }

  /**
   * Opens (or creates) the log in {@code directory}, cutting off a torn tail.
   *
   * @param maxBytes the disk budget: {@code maxBytes / segmentBytes} segments, at least two
   * @throws IllegalStateException if another log holds the directory
   */
  static IntakeLog open(Path directory, long maxBytes, long segmentBytes, boolean forceEach)
      throws IOException {
    if (segmentBytes < 4096 || segmentBytes > Integer.MAX_VALUE || maxBytes < 2 * segmentBytes) {
      throw new IllegalArgumentException(
          "an intake log needs segments of 4 KiB to 2 GiB and room for two of them");
    }
    Files.createDirectories(directory);
    FileChannel lockChannel =
        FileChannel.open(
            directory.resolve("intake.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock fileLock;
    try {
      fileLock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      fileLock = null;
    }
    if (fileLock == null) {
      lockChannel.close();
      throw new IllegalStateException("the audit intake log " + directory + " is in use");
    }
    IntakeLog intake;
    try {
      intake =
          new IntakeLog(
              directory,
              segmentBytes,
              (int) Math.min(Integer.MAX_VALUE, maxBytes / segmentBytes),
              forceEach,
              salt(directory.resolve("id-salt")),
              lockChannel,
              fileLock);
    } catch (IOException | RuntimeException e) {
      fileLock.release();
      lockChannel.close();
      throw e;
    }
    try {
      intake.recover();
    } catch (IOException | RuntimeException e) {
      intake.close();
      throw e;
    }
    return intake;
  }

  /**
   * Two random numbers kept with the log: what makes its record ids its own ({@link CaptureIds}).
   */
  private static long[] salt(Path file) throws IOException {
    if (Files.exists(file)) {
      String[] parts = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
      if (parts.length == 2) {
        return new long[] {
          Long.parseUnsignedLong(parts[0], 16), Long.parseUnsignedLong(parts[1], 16)
        };
      }
    }
    SecureRandom random = new SecureRandom();
    long[] salt = {random.nextLong(), random.nextLong()};
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(
        temporary,
        Long.toHexString(salt[0]) + " " + Long.toHexString(salt[1]) + "\n",
        StandardCharsets.US_ASCII);
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return salt;
  }

  private void recover() throws IOException {
    List<Long> numbers = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.startsWith(PREFIX) && name.endsWith(SUFFIX))
          .forEach(
              name ->
                  numbers.add(
                      Long.parseLong(
                          name.substring(PREFIX.length(), name.length() - SUFFIX.length()))));
    }
    numbers.sort(null);
    long expected = 1;
    int end = SEGMENT_HEADER_BYTES;
    for (int index = 0; index < numbers.size(); index++) {
      long number = numbers.get(index);
      boolean last = index == numbers.size() - 1;
      MappedByteBuffer buffer = map(segment(number));
      if (buffer.getInt(0) != MAGIC) {
        // A segment whose creation was cut short holds no frame anyone was answered for.
        log.warn("audit intake segment {} has no valid header; it is removed", segment(number));
        Files.deleteIfExists(segment(number));
        continue;
      }
      expected = Math.max(expected, buffer.getLong(8));
      end = SEGMENT_HEADER_BYTES;
      while (true) {
        int frameEnd = frameEnd(buffer, end, expected);
        if (frameEnd < 0) {
          break;
        }
        end = frameEnd;
        expected++;
      }
      if (end + 4 <= segmentBytes && buffer.getInt(end) != 0) {
        int torn = buffer.getInt(end);
        int limit =
            torn > 0
                ? (int) Math.min(segmentBytes, (long) end + FRAME_HEADER_BYTES + torn)
                : end + 4;
        log.warn(
            "audit intake segment {}: cut off a torn frame at offset {}", segment(number), end);
        for (int position = end; position < limit; position++) {
          buffer.put(position, (byte) 0);
        }
        if (!last) {
          buffer.force();
        }
      }
      segments.put(number, buffer);
    }
    if (segments.isEmpty()) {
      long number = numbers.isEmpty() ? 1 : numbers.get(numbers.size() - 1) + 1;
      segments.put(number, newSegment(number, expected));
      end = SEGMENT_HEADER_BYTES;
    }
    writeSegment = segments.lastKey();
    writeOffset = end;
    nextSequence = expected;
    published = position(writeSegment, writeOffset);
    readSegment = segments.firstKey();
    readBuffer = segments.get(readSegment);
    readOffset = SEGMENT_HEADER_BYTES;
    lastRead = firstSequence(readBuffer) - 1;
  }

  /** Where the whole frame at {@code offset} ends, or -1 if there is none. */
  private int frameEnd(MappedByteBuffer buffer, int offset, long expectedSequence) {
    if (offset + FRAME_HEADER_BYTES > segmentBytes) {
      return -1;
    }
    int length = buffer.getInt(offset);
    if (length <= 0 || offset + FRAME_HEADER_BYTES + (long) length > segmentBytes) {
      return -1;
    }
    if (buffer.getLong(offset + 8) != expectedSequence) {
      return -1;
    }
    CRC32C crc = new CRC32C();
    crc.update(buffer.slice(offset + FRAME_HEADER_BYTES, length));
    if ((int) crc.getValue() != buffer.getInt(offset + 4)) {
      return -1;
    }
    return offset + FRAME_HEADER_BYTES + length;
  }

  /**
   * Appends one frame, waiting up to {@code timeoutNanos} for room.
   *
   * @return its sequence, or -1 when the log stayed full (or is closed)
   * @throws IllegalArgumentException when the payload could never fit in a segment
   */
  long append(byte[] payload, long timeoutNanos) throws InterruptedException {
    int frameBytes = FRAME_HEADER_BYTES + payload.length;
    if (frameBytes > segmentBytes - SEGMENT_HEADER_BYTES) {
      throw new IllegalArgumentException(
          "an intake frame of " + frameBytes + " bytes does not fit in a segment");
    }
    CRC32C crc = new CRC32C();
    crc.update(payload);
    int checksum = (int) crc.getValue();
    lock.lock();
    try {
      if (closed) {
        return -1;
      }
      long nanos = timeoutNanos;
      while (writeOffset + (long) frameBytes > segmentBytes) {
        if (segments.size() < maxSegments) {
          long number = writeSegment + 1;
          try {
            segments.put(number, newSegment(number, nextSequence));
          } catch (IOException e) {
            log.error("a new audit intake segment cannot be created", e);
            return -1;
          }
          writeSegment = number;
          writeOffset = SEGMENT_HEADER_BYTES;
        } else if (nanos <= 0 || closed) {
          return -1;
        } else {
          // Another append may roll the segment while this one waits: the loop checks again.
          nanos = room.awaitNanos(nanos);
        }
      }
      MappedByteBuffer buffer = segments.get(writeSegment);
      long sequence = nextSequence;
      buffer.put(writeOffset + FRAME_HEADER_BYTES, payload);
      buffer.putLong(writeOffset + 8, sequence);
      buffer.putInt(writeOffset + 4, checksum);
      buffer.putInt(writeOffset, payload.length);
      if (forceEach) {
        buffer.force(writeOffset, frameBytes);
      } else {
        unforced.add(writeSegment);
      }
      writeOffset += frameBytes;
      nextSequence = sequence + 1;
      published = position(writeSegment, writeOffset);
      appended.signal();
      return sequence;
    } finally {
      lock.unlock();
    }
  }

  /** The next frame in order, waiting up to {@code timeoutNanos}; null if none came. */
  Entry next(long timeoutNanos) throws InterruptedException {
    long nanos = timeoutNanos;
    while (true) {
      if (position(readSegment, readOffset) < published) {
        Entry entry = read();
        if (entry != null) {
          return entry;
        }
        continue;
      }
      lock.lock();
      try {
        while (position(readSegment, readOffset) >= published) {
          if (nanos <= 0 || closed) {
            return null;
          }
          nanos = appended.awaitNanos(nanos);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** The frame at the read position, or null after moving on to the next segment. */
  private Entry read() {
    int length =
        readOffset + FRAME_HEADER_BYTES <= segmentBytes ? readBuffer.getInt(readOffset) : 0;
    if (length <= 0) {
      lock.lock();
      try {
        Map.Entry<Long, MappedByteBuffer> next = segments.higherEntry(readSegment);
        readSegment = next.getKey();
        readBuffer = next.getValue();
      } finally {
        lock.unlock();
      }
      readOffset = SEGMENT_HEADER_BYTES;
      return null;
    }
    long sequence = readBuffer.getLong(readOffset + 8);
    byte[] payload = new byte[length];
    readBuffer.get(readOffset + FRAME_HEADER_BYTES, payload);
    readOffset += FRAME_HEADER_BYTES + length;
    lastRead = sequence;
    return new Entry(sequence, payload, position(readSegment, readOffset));
  }

  /** Frees the segments whose frames all lie before {@code position} (an {@link Entry#end}). */
  void release(long position) {
    long below = position / segmentBytes;
    lock.lock();
    try {
      while (!segments.isEmpty()
          && segments.firstKey() < below
          && segments.firstKey() < writeSegment
          && segments.firstKey() < readSegment) {
        long number = segments.pollFirstEntry().getKey();
        unforced.remove(number);
        Path file = segment(number);
        try {
          // Truncated first: the mapping may outlive the file until the buffer is collected, and
          // the disk space must not.
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(0);
          }
          Files.deleteIfExists(file);
        } catch (IOException e) {
          log.warn("audit intake segment {} could not be deleted", file, e);
        }
      }
      room.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Forces what was appended since the last force to disk. */
  void force() {
    List<MappedByteBuffer> dirty = new ArrayList<>();
    lock.lock();
    try {
      for (long number : unforced) {
        MappedByteBuffer buffer = segments.get(number);
        if (buffer != null) {
          dirty.add(buffer);
        }
      }
      unforced.clear();
    } finally {
      lock.unlock();
    }
    for (MappedByteBuffer buffer : dirty) {
      buffer.force();
    }
  }

  /** Frames appended and not read by the consumer yet. */
  long pending() {
    lock.lock();
    try {
      return nextSequence - 1 - lastRead;
    } finally {
      lock.unlock();
    }
  }

  /** The bytes the segments take (their full size: they are allocated as written). */
  long sizeBytes() {
    lock.lock();
    try {
      return segments.size() * segmentBytes;
    } finally {
      lock.unlock();
    }
  }

  /** The sequence the next frame gets. */
  long nextSequence() {
    lock.lock();
    try {
      return nextSequence;
    } finally {
      lock.unlock();
    }
  }

  /** This log's salt: two random numbers chosen when it was created. */
  long[] salt() {
    return salt.clone();
  }

  /** Stops appends and reads (both answer at once), forces what was written, frees the lock. */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      closed = true;
      appended.signalAll();
      room.signalAll();
    } finally {
      lock.unlock();
    }
    force();
    fileLock.release();
    lockChannel.close();
  }

  private long position(long segment, int offset) {
    return segment * segmentBytes + offset;
  }

  private static long firstSequence(MappedByteBuffer buffer) {
    return buffer.getLong(8);
  }

  private Path segment(long number) {
    return directory.resolve(PREFIX + String.format("%020d", number) + SUFFIX);
  }

  private MappedByteBuffer map(Path file) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      return channel.map(FileChannel.MapMode.READ_WRITE, 0, segmentBytes);
    }
  }

  private MappedByteBuffer newSegment(long number, long firstSequence) throws IOException {
    MappedByteBuffer buffer = map(segment(number));
    buffer.putLong(8, firstSequence);
    buffer.putInt(0, MAGIC);
    // The header is what recovery trusts the segment by: on disk before any frame is.
    buffer.force(0, SEGMENT_HEADER_BYTES);
    return buffer;
  }
}
