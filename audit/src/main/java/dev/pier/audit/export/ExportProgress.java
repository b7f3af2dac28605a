package dev.pier.audit.export;

import java.util.OptionalLong;

/** Told after every page of an export; called on the exporting thread. */
@FunctionalInterface
public interface ExportProgress {
  ExportProgress NONE = (written, total) -> {};

  /**
   * @param written records written so far
   * @param total how many the export will write, when the sink could count them beforehand
   */
  void progress(long written, OptionalLong total);
}
