package dev.pier.controlplane.artifact;

import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import org.springframework.util.unit.DataSize;

/**
 * The most bytes an artifact may have, and the setting that says so (so that the error tells the
 * caller, and the operator, what to change).
 *
 * @param maximum the largest size accepted
 * @param setting the configuration key that sets it, e.g. {@code pier.max-upload-size}
 */
public record SizeLimit(DataSize maximum, String setting) {

  public long bytes() {
    return maximum.toBytes();
  }

  /** The error for content beyond this limit. */
  public PierException exceeded() {
    return new PierException(
        ErrorCode.ARTIFACT_TOO_LARGE,
        "the artifact is larger than " + describe(maximum) + ", the limit set by " + setting);
  }

  /** "1GB", "64KB" or "1000 bytes": the way the setting is written, where it is a round value. */
  static String describe(DataSize size) {
    long bytes = size.toBytes();
    if (bytes > 0 && bytes % DataSize.ofGigabytes(1).toBytes() == 0) {
      return bytes / DataSize.ofGigabytes(1).toBytes() + "GB";
    }
    if (bytes > 0 && bytes % DataSize.ofMegabytes(1).toBytes() == 0) {
      return bytes / DataSize.ofMegabytes(1).toBytes() + "MB";
    }
    if (bytes > 0 && bytes % DataSize.ofKilobytes(1).toBytes() == 0) {
      return bytes / DataSize.ofKilobytes(1).toBytes() + "KB";
    }
    return bytes + " bytes";
  }
}
