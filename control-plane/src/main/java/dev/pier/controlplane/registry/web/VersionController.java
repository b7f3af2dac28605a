package dev.pier.controlplane.registry.web;

import dev.pier.controlplane.base.ResultPage;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.registry.ArtifactDescriptor;
import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.registry.ModelQuery;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.registry.VersionDetails;
import dev.pier.controlplane.registry.VersionFromUri;
import dev.pier.controlplane.registry.VersionView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Encoding;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.Part;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Set;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/models/{name}/versions}: register versions (upload or URI), read them, download
 * their artifacts.
 */
@RestController
@RequestMapping(
    path = "/api/v1/models/{name}/versions",
    produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(
    name = "Model versions",
    description = "Immutable ONNX artifacts with their schema and lineage")
class VersionController {
  /** The {@code metadata} part is a small JSON document; it is read into memory. */
  static final int METADATA_PART_BYTES = 1024 * 1024;

  // Both ways of registering share one operation in the OpenAPI document (one per path and method).
  private static final String CREATE_SUMMARY =
      "Register a version: upload its ONNX file, or give a URI";
  private static final String CREATE_DESCRIPTION =
      "multipart/form-data: part 'file' is the ONNX model; optional part 'metadata' is a JSON"
          + " object with sha256 (checked if given), lineage {trainingData, codeCommit, metrics}"
          + " and metadata. application/json: {uri, sha256, lineage, metadata}, where uri is"
          + " http, https or file (file only inside pier.fetch.file-roots), fetched under the"
          + " same limit. Larger than pier.max-upload-size: 413. Not loadable by ONNX Runtime:"
          + " 422. Either way nothing is stored.";

  private final RegistryService registry;
  private final JsonMapper mapper;
  private final Validator validator;

  VersionController(RegistryService registry, JsonMapper mapper, Validator validator) {
    this.registry = registry;
    this.mapper = mapper;
    this.validator = validator;
  }

  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @Operation(
      summary = CREATE_SUMMARY,
      description = CREATE_DESCRIPTION,
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
                      schema = @Schema(implementation = UploadForm.class),
                      encoding =
                          @Encoding(
                              name = "metadata",
                              contentType = MediaType.APPLICATION_JSON_VALUE))))
  @ApiResponse(responseCode = "201", description = "Created; Location names the version")
  ResponseEntity<VersionView> createVersion(
      @PathVariable @Parameter(schema = @Schema(pattern = ModelName.PATTERN)) String name,
      @RequestPart("file") @Parameter(hidden = true) Part file,
      @RequestPart(name = "metadata", required = false) @Parameter(hidden = true) Part metadata)
      throws IOException {
    ModelName model = ModelName.of(name);
    VersionDetails details = metadata == null ? VersionDetails.NONE : readMetadata(metadata);
    try (InputStream content = file.getInputStream()) {
      return created(registry.createVersion(model, content, details));
    }
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = CREATE_SUMMARY, description = CREATE_DESCRIPTION)
  @ApiResponse(responseCode = "201", description = "Created; Location names the version")
  ResponseEntity<VersionView> createVersionFromUri(
      @PathVariable @Parameter(schema = @Schema(pattern = ModelName.PATTERN)) String name,
      @Valid @RequestBody VersionFromUri source)
      throws IOException {
    return created(registry.createVersion(ModelName.of(name), source));
  }

  @GetMapping
  @Operation(summary = "List a model's versions, newest first")
  ResultPage<VersionView> listVersions(
      @PathVariable @Parameter(schema = @Schema(pattern = ModelName.PATTERN)) String name,
      @RequestParam(defaultValue = "0") @Min(0) @Max(ModelQuery.MAXIMUM_PAGE) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(ModelQuery.MAXIMUM_PAGE_SIZE) int size) {
    return registry.listVersions(ModelName.of(name), page, size);
  }

  @GetMapping("/{number}")
  @Operation(summary = "Get a version")
  VersionView getVersion(
      @PathVariable @Parameter(schema = @Schema(pattern = ModelName.PATTERN)) String name,
      @PathVariable @Min(1) int number) {
    return registry.getVersion(ModelName.of(name), number);
  }

  @GetMapping(path = "/{number}/artifact", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
  @Operation(
      summary = "Download a version's ONNX file",
      description =
          "The ETag is the quoted SHA-256 (hex) and Repr-Digest carries it too (RFC 9530);"
              + " If-None-Match answers 304.")
  ResponseEntity<Resource> downloadArtifact(
      @PathVariable @Parameter(schema = @Schema(pattern = ModelName.PATTERN)) String name,
      @PathVariable @Min(1) int number,
      WebRequest request)
      throws IOException {
    ArtifactDescriptor artifact = registry.artifact(ModelName.of(name), number);
    String entityTag = "\"" + artifact.sha256().hex() + "\"";
    if (request.checkNotModified(entityTag)) {
      return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(entityTag).build();
    }
    return ResponseEntity.ok()
        .eTag(entityTag)
        .header("Repr-Digest", "sha-256=:" + artifact.sha256().base64() + ":")
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .contentLength(artifact.size())
        .headers(
            headers ->
                headers.setContentDisposition(
                    ContentDisposition.attachment().filename(artifact.fileName()).build()))
        .body(new InputStreamResource(registry.openArtifact(artifact)));
  }

  private VersionDetails readMetadata(Part metadata) throws IOException {
    if (metadata.getSize() > METADATA_PART_BYTES) {
      throw new PierException(
          ErrorCode.VALIDATION_FAILED,
          "metadata: the part must be at most " + METADATA_PART_BYTES / 1024 + "KB");
    }
    VersionDetails details;
    try (InputStream json = metadata.getInputStream()) {
      details = mapper.readValue(json, VersionDetails.class);
    } catch (JacksonException e) {
      throw new PierException(
          ErrorCode.INVALID_REQUEST,
          "metadata: the part is not a valid JSON object: " + e.getOriginalMessage());
    }
    if (details == null) {
      return VersionDetails.NONE;
    }
    Set<ConstraintViolation<VersionDetails>> violations = validator.validate(details);
    if (!violations.isEmpty()) {
      throw new ConstraintViolationException(violations);
    }
    return details;
  }

  private static ResponseEntity<VersionView> created(VersionView version) {
    return ResponseEntity.created(
            URI.create("/api/v1/models/" + version.model() + "/versions/" + version.number()))
        .body(version);
  }

  /** The multipart form, for the OpenAPI document only. */
  record UploadForm(
      @Schema(type = "string", format = "binary", requiredMode = Schema.RequiredMode.REQUIRED)
          String file,
      @Schema(implementation = VersionDetails.class) VersionDetails metadata) {}
}
