package dev.pier.controlplane.registry;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A search over models.
 *
 * @param text matched, case-insensitively, as a substring of the name, the description or any tag;
 *     null or empty matches every model
 * @param tag only models with exactly this tag; null for any
 * @param page zero-based page number
 * @param size models per page
 * @param sort the order
 * @param descending whether to reverse it
 */
public record ModelQuery(
    @Size(max = 256) String text,
    @Size(max = 64) String tag,
    @Min(0) @Max(MAXIMUM_PAGE) int page,
    @Min(1) @Max(MAXIMUM_PAGE_SIZE) int size,
    @NotNull ModelSort sort,
    boolean descending) {

  public static final int MAXIMUM_PAGE_SIZE = 100;

  /** Keeps page * size within what the database's OFFSET accepts. */
  public static final int MAXIMUM_PAGE = 10_000_000;

  /** The orders models can be listed in. */
  public enum ModelSort {
    NAME("name"),
    CREATED_AT("createdAt"),
    UPDATED_AT("updatedAt");

    private final String property;

    ModelSort(String property) {
      this.property = property;
    }

    /** The name used in the API's {@code sort} parameter (and the entity property). */
    public String property() {
      return property;
    }
  }
}
