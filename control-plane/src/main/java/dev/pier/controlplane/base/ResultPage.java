package dev.pier.controlplane.base;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a longer result, as application services return it to the REST API and the console.
 *
 * @param items the items on this page
 * @param page the zero-based page number
 * @param size the page size asked for (the last page may hold fewer items)
 * @param totalItems how many items all pages hold together
 * @param totalPages how many pages there are at this size
 */
public record ResultPage<T>(List<T> items, int page, int size, long totalItems, int totalPages) {
  public ResultPage {
    items = List.copyOf(items);
  }

  public <R> ResultPage<R> map(Function<? super T, ? extends R> mapper) {
    return new ResultPage<>(
        items.stream().<R>map(mapper).toList(), page, size, totalItems, totalPages);
  }
}
