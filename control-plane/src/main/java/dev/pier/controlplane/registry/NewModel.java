package dev.pier.controlplane.registry;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A model to create.
 *
 * @param name unique; see {@link ModelName}
 * @param description free text; empty if absent
 * @param owner who answers for the model; the caller if absent
 * @param tags labels to find it by; duplicates count once
 */
public record NewModel(
    @NotNull @Pattern(regexp = ModelName.PATTERN, message = ModelName.RULE) String name,
    @Size(max = Limits.DESCRIPTION_LENGTH) String description,
    @Pattern(regexp = Limits.OWNER_PATTERN, message = Limits.OWNER_RULE) String owner,
    @Size(max = Limits.TAGS)
        List<@NotNull @Pattern(regexp = Limits.TAG_PATTERN, message = Limits.TAG_RULE) String>
            tags) {}
