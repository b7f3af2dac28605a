package dev.pier.controlplane.registry.web;

import dev.pier.controlplane.base.ResultPage;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.registry.ModelChanges;
import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.registry.ModelQuery;
import dev.pier.controlplane.registry.ModelView;
import dev.pier.controlplane.registry.NewModel;
import dev.pier.controlplane.registry.RegistryService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/models}: create, read, search, change and delete models. */
@RestController
@RequestMapping(path = "/api/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Models", description = "Named families of model versions")
class ModelController {
  /** An entity tag holding a revision: {@code "3"} (weak tags are accepted too). */
  private static final Pattern REVISION_TAG = Pattern.compile("(?:W/)?\"(\\d{1,18})\"");

  private final RegistryService registry;

  ModelController(RegistryService registry) {
    this.registry = registry;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create a model")
  @ApiResponse(responseCode = "201", description = "Created; Location names the model")
  ResponseEntity<ModelView> createModel(@Valid @RequestBody NewModel newModel) {
    ModelView model = registry.createModel(newModel);
    return ResponseEntity.created(URI.create("/api/v1/models/" + model.name()))
        .eTag(revisionTag(model))
        .body(model);
  }

  @GetMapping
  @Operation(
      summary = "Search models",
      description =
          "Models whose name, description or a tag contains q (case-insensitive), optionally"
              + " only those with exactly the given tag, one page at a time.")
  ResultPage<ModelView> searchModels(
      @RequestParam(required = false) @Size(max = 256) String q,
      @RequestParam(required = false) @Size(max = 64) String tag,
      @RequestParam(defaultValue = "0") @Min(0) @Max(ModelQuery.MAXIMUM_PAGE) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(ModelQuery.MAXIMUM_PAGE_SIZE) int size,
      @Parameter(
              schema =
                  @Schema(
                      allowableValues = {"name", "createdAt", "updatedAt"},
                      defaultValue = "name"))
          @RequestParam(defaultValue = "name")
          String sort,
      @Parameter(
              schema =
                  @Schema(
                      allowableValues = {"asc", "desc"},
                      defaultValue = "asc"))
          @RequestParam(defaultValue = "asc")
          String direction) {
    return registry.searchModels(
        new ModelQuery(q, tag, page, size, parseSort(sort), parseDescending(direction)));
  }

  @GetMapping("/{name}")
  @Operation(summary = "Get a model")
  ResponseEntity<ModelView> getModel(
      @PathVariable @Parameter(schema = @Schema(pattern = ModelName.PATTERN)) String name) {
    ModelView model = registry.getModel(ModelName.of(name));
    return ResponseEntity.ok().eTag(revisionTag(model)).body(model);
  }

  @PatchMapping(
      path = "/{name}",
      consumes = {MediaType.APPLICATION_JSON_VALUE, "application/merge-patch+json"})
  @Operation(
      summary = "Change a model's description, owner or tags",
      description =
          "Fields left out stay as they are. With If-Match (the ETag of a GET), the change is"
              + " refused with 412 if the model changed meanwhile.")
  ResponseEntity<ModelView> updateModel(
      @PathVariable @Parameter(schema = @Schema(pattern = ModelName.PATTERN)) String name,
      @Valid @RequestBody ModelChanges changes,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    ModelView model = registry.updateModel(ModelName.of(name), changes, parseRevision(ifMatch));
    return ResponseEntity.ok().eTag(revisionTag(model)).body(model);
  }

  @DeleteMapping("/{name}")
  @Operation(
      summary = "Delete a model that has no versions",
      description = "Versions are kept for good, so a model with versions answers 409.")
  @ApiResponse(responseCode = "204", description = "Deleted")
  ResponseEntity<Void> deleteModel(
      @PathVariable @Parameter(schema = @Schema(pattern = ModelName.PATTERN)) String name) {
    registry.deleteModel(ModelName.of(name));
    return ResponseEntity.noContent().build();
  }

  private static String revisionTag(ModelView model) {
    return "\"" + model.revision() + "\"";
  }

  private static OptionalLong parseRevision(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
      return OptionalLong.empty();
    }
    Matcher matcher = REVISION_TAG.matcher(ifMatch.strip());
    if (!matcher.matches()) {
      throw new PierException(
          ErrorCode.INVALID_REQUEST,
          "If-Match must be one entity tag from this API, such as \"3\"");
    }
    return OptionalLong.of(Long.parseLong(matcher.group(1)));
  }

  private static ModelQuery.ModelSort parseSort(String sort) {
    return Arrays.stream(ModelQuery.ModelSort.values())
        .filter(candidate -> candidate.property().equals(sort))
        .findFirst()
        .orElseThrow(
            () ->
                new PierException(
                    ErrorCode.VALIDATION_FAILED,
                    "sort: must be one of "
                        + Arrays.stream(ModelQuery.ModelSort.values())
                            .map(ModelQuery.ModelSort::property)
                            .collect(Collectors.joining(", "))));
  }

  private static boolean parseDescending(String direction) {
    return switch (direction.toLowerCase(Locale.ROOT)) {
      case "asc" -> false;
      case "desc" -> true;
      default ->
          throw new PierException(ErrorCode.VALIDATION_FAILED, "direction: must be asc or desc");
    };
  }
}
