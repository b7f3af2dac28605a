package dev.pier.audit.chain;

import java.util.Optional;

/**
 * What verifying one stream found.
 *
 * @param checked how many records were read and checked
 * @param lastSequence the sequence of the last record checked (0 if none)
 * @param firstBreak the first broken link, if any; checking stops there
 */
public record Verification(
    String stream, long checked, long lastSequence, Optional<Break> firstBreak) {

  /** Whether the stream verified without a break. */
  public boolean intact() {
    return firstBreak.isEmpty();
  }

  /** Why a link is broken. */
  public enum Problem {
    /** The record's fields do not give its hash: it was altered (its sequence included). */
    HASH_MISMATCH,
    /** No record with the expected sequence: deleted, or never stored. */
    MISSING,
    /** A second record with a sequence already seen: inserted or copied. */
    DUPLICATE,
    /** The record's previous hash is not the previous record's hash: one of them was replaced. */
    BROKEN_LINK,
    /** The signature is missing or not the configured key's. */
    BAD_SIGNATURE
  }

  /**
   * The first broken link.
   *
   * @param sequence where the chain breaks: the altered, missing or duplicated sequence
   * @param recordId the record found there (null when it is missing)
   */
  public record Break(long sequence, Problem problem, String recordId, String detail) {}

  @Override
  public String toString() {
    return firstBreak
        .map(
            broken ->
                stream
                    + ": broken at sequence "
                    + broken.sequence()
                    + " ("
                    + broken.problem()
                    + "): "
                    + broken.detail())
        .orElse(stream + ": intact, " + checked + " records up to sequence " + lastSequence);
  }
}
