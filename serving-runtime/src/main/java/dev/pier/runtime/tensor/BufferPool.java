package dev.pier.runtime.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct buffers for tensor data, recycled instead of allocated per request.
 *
 * <p>Why: every {@code ByteBuffer.allocateDirect} registers a cleaner that only a garbage
 * collection runs; at tens of thousands of requests a second those phantom references made
 * young-generation pauses tens of milliseconds long. Buffers come in power-of-two size classes from
 * 64 bytes to 4 MiB; each class keeps a bounded stack of free buffers and the pool as a whole keeps
 * at most {@link #MAX_RETAINED_BYTES}. Larger tensors are allocated directly: their cost is dwarfed
 * by the work on them.
 *
 * <p>Ownership: whoever acquires a buffer releases it once nothing can read it any more — the front
 * ends after the inference future has completed, the batcher after its batch ran. A buffer released
 * twice, or still read after release, corrupts another request, so release is only ever called at
 * those points.
 */
public final class BufferPool {
  private static final int SMALLEST_CLASS = 6; // 64 bytes
  private static final int LARGEST_CLASS = 22; // 4 MiB
  private static final int FREE_PER_CLASS = 256;
  static final long MAX_RETAINED_BYTES = 64L << 20;

  @SuppressWarnings("unchecked")
  private static final ArrayBlockingQueue<ByteBuffer>[] FREE =
      new ArrayBlockingQueue[LARGEST_CLASS + 1];

  private static final AtomicLong RETAINED = new AtomicLong();

  static {
    for (int sizeClass = SMALLEST_CLASS; sizeClass <= LARGEST_CLASS; sizeClass++) {
      FREE[sizeClass] = new ArrayBlockingQueue<>(FREE_PER_CLASS);
    }
  }

  private BufferPool() {}

  /** A little-endian direct buffer with position 0 and limit {@code bytes}. */
  public static ByteBuffer acquire(int bytes) {
    int sizeClass = sizeClass(bytes);
    if (sizeClass > LARGEST_CLASS) {
      return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer buffer = FREE[sizeClass].poll();
    if (buffer == null) {
      buffer = ByteBuffer.allocateDirect(1 << sizeClass);
    } else {
      RETAINED.addAndGet(-buffer.capacity());
    }
    return buffer.clear().limit(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Returns a buffer from {@link #acquire}; anything else (heap, sliced, odd size) is ignored. */
  public static void release(ByteBuffer buffer) {
    if (buffer == null || !buffer.isDirect() || Integer.bitCount(buffer.capacity()) != 1) {
      return;
    }
    int sizeClass = Integer.numberOfTrailingZeros(buffer.capacity());
    if (sizeClass < SMALLEST_CLASS || sizeClass > LARGEST_CLASS) {
      return;
    }
    if (RETAINED.addAndGet(buffer.capacity()) > MAX_RETAINED_BYTES
        || !FREE[sizeClass].offer(buffer)) {
      RETAINED.addAndGet(-buffer.capacity());
    }
  }

  /** Releases the fixed-width data of each tensor. */
  public static void releaseAll(Iterable<Tensor> tensors) {
    for (Tensor tensor : tensors) {
      release(tensor.data());
    }
  }

  private static int sizeClass(int bytes) {
    if (bytes <= 1 << SMALLEST_CLASS) {
      return SMALLEST_CLASS;
    }
    return 32 - Integer.numberOfLeadingZeros(bytes - 1);
  }
}
