package dev.pier.runtime.model;

/**
 * Accounts the memory of loaded models against an optional budget. Zero means unlimited. The
 * repository evicts least-recently-used models while a reservation does not fit.
 */
final class MemoryBudget {
  private final long limitBytes;
  private long usedBytes;

  MemoryBudget(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  synchronized boolean tryReserve(long bytes) {
    if (limitBytes > 0 && usedBytes + bytes > limitBytes) {
      return false;
    }
    usedBytes += bytes;
    return true;
  }

  synchronized void release(long bytes) {
    usedBytes -= bytes;
  }

  synchronized long usedBytes() {
    return usedBytes;
  }

  long limitBytes() {
    return limitBytes;
  }
}
