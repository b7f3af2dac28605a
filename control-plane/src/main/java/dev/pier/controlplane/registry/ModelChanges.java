package dev.pier.controlplane.registry;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Changes to a model, merge-patch style: a field that is absent (null) stays as it is. The name
 * cannot change: it is the model's identity.
 *
 * @param description the new description; empty clears it
 * @param owner the new owner
 * @param tags the new, complete set of tags; empty clears them
 */
public record ModelChanges(
    @Size(max = Limits.DESCRIPTION_LENGTH) String description,
    @Pattern(regexp = Limits.OWNER_PATTERN, message = Limits.OWNER_RULE) String owner,
    @Size(max = Limits.TAGS)
        List<@NotNull @Pattern(regexp = Limits.TAG_PATTERN, message = Limits.TAG_RULE) String>
            tags) {}
