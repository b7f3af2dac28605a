package dev.pier.controlplane.registry;

import java.time.Instant;
import java.util.List;

/**
 * A model as the registry shows it.
 *
 * @param name its unique name
 * @param description free text
 * @param owner who answers for it
 * @param tags its tags, sorted
 * @param latestVersion the highest version number, or null while it has none
 * @param createdAt when it was created
 * @param updatedAt when its description, owner or tags last changed
 * @param revision incremented by every change; send it back in {@code If-Match} to update safely
 */
public record ModelView(
    String name,
    String description,
    String owner,
    List<String> tags,
    Integer latestVersion,
    Instant createdAt,
    Instant updatedAt,
    long revision) {
  public ModelView {
    tags = List.copyOf(tags);
  }
}
