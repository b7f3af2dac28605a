package dev.pier.controlplane.registry;

/** The registry's rules for free-text fields; the schema's column sizes match them. */
final class Limits {
  static final int DESCRIPTION_LENGTH = 4000;
  static final int TAGS = 32;
  static final String TAG_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.:=/-]{0,63}";
  static final String TAG_RULE =
      "must be 1-64 characters of letters, digits, '_', '.', ':', '=', '/' or '-', starting with"
          + " a letter or digit";
  static final String OWNER_PATTERN = "[^\\p{Cntrl}]{1,256}";
  static final String OWNER_RULE = "must be 1-256 characters without control characters";
  static final int TRAINING_DATA_LENGTH = 2048;
  static final int CODE_COMMIT_LENGTH = 256;

  /** Metrics and metadata are for describing a version, not for carrying data sets. */
  static final int JSON_OBJECT_BYTES = 64 * 1024;

  private Limits() {}
}
