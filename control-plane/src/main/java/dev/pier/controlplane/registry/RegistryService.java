package dev.pier.controlplane.registry;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.artifact.ArtifactStore;
import dev.pier.controlplane.artifact.Sha256;
import dev.pier.controlplane.artifact.SizeLimit;
import dev.pier.controlplane.artifact.StagedArtifact;
import dev.pier.controlplane.audit.AdminEvents;
import dev.pier.controlplane.base.Printable;
import dev.pier.controlplane.base.ResultPage;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.onnx.ModelSchema;
import dev.pier.controlplane.onnx.OnnxInspector;
import dev.pier.controlplane.security.CurrentUser;
import jakarta.validation.Valid;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.validation.annotation.Validated;

/**
 * The model registry's application service: what the REST API and the console call (never the
 * repositories). The security capability will put its method-level checks here.
 *
 * <p>Registering a version, the one path that handles large content:
 *
 * <ol>
 *   <li>the model must exist (checked first, so a URI is not fetched for nothing);
 *   <li>the content is streamed into the artifact store's staging area, digested and cut off at
 *       {@code pier.max-upload-size} ({@code ARTIFACT_TOO_LARGE});
 *   <li>the optional expected SHA-256 is compared ({@code CHECKSUM_MISMATCH});
 *   <li>ONNX Runtime opens the staged file and the schema is read ({@code INVALID_MODEL});
 *   <li>in one short transaction: lock the model row, take the next number, insert the version, and
 *       publish the artifact (an atomic rename) before the transaction commits.
 * </ol>
 *
 * Anything failing before the last step discards the staged file, so a rejected artifact never
 * reaches the store and no row names it. If the database commit fails after the artifact was
 * published, the artifact stays as an unreferenced file (the same bytes are reused by the next
 * upload); the reverse, a row naming a missing artifact, cannot happen.
 */
@Service
@Validated
public class RegistryService {
  private final ModelRepository models;
  private final ModelVersionRepository versions;
  private final ArtifactStore store;
  private final ArtifactFetcher fetcher;
  private final OnnxInspector inspector;
  private final RegistryJson json;
  private final CurrentUser currentUser;
  private final AdminEvents adminEvents;
  private final TransactionTemplate transaction;
  private final SizeLimit uploadLimit;

  RegistryService(
      ModelRepository models,
      ModelVersionRepository versions,
      ArtifactStore store,
      ArtifactFetcher fetcher,
      OnnxInspector inspector,
      RegistryJson json,
      CurrentUser currentUser,
      AdminEvents adminEvents,
      TransactionTemplate transaction,
      PierProperties properties) {
    this.models = models;
    this.versions = versions;
    this.store = store;
    this.fetcher = fetcher;
    this.inspector = inspector;
    this.json = json;
    this.currentUser = currentUser;
    this.adminEvents = adminEvents;
    this.transaction = transaction;
    this.uploadLimit =
        new SizeLimit(properties.maxUploadSize(), PierProperties.MAX_UPLOAD_SIZE_KEY);
  }

  // ---- models

  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public ModelView createModel(@Valid NewModel newModel) {
    ModelName name = ModelName.of(newModel.name());
    if (models.existsByName(name.value())) {
      throw alreadyExists(name);
    }
    Model model =
        new Model(
            name,
            newModel.description() == null ? "" : newModel.description(),
            newModel.owner() == null ? currentUser.name() : newModel.owner(),
            newModel.tags() == null ? List.of() : newModel.tags(),
            now());
    try {
      models.saveAndFlush(model);
    } catch (DataIntegrityViolationException e) {
      // Lost a race with a concurrent create of the same name; every other rule was checked.
      throw alreadyExists(name);
    }
    ModelView created = model.view(null);
    adminEvents.record("model.created", "model", name.value(), null, created);
    return created;
  }

  @PreAuthorize("hasRole('VIEWER')")
  @Transactional(readOnly = true)
  public ModelView getModel(ModelName name) {
    Model model = find(name);
    int latest = versions.highestNumber(model);
    return model.view(latest == 0 ? null : latest);
  }

  @PreAuthorize("hasRole('VIEWER')")
  @Transactional(readOnly = true)
  public ResultPage<ModelView> searchModels(@Valid ModelQuery query) {
    Sort order =
        Sort.by(
            query.descending() ? Sort.Direction.DESC : Sort.Direction.ASC, query.sort().property());
    if (query.sort() != ModelQuery.ModelSort.NAME) {
      order = order.and(Sort.by("name")); // a stable order across pages
    }
    Page<Model> page =
        models.search(
            likePattern(query.text()),
            query.tag() == null || query.tag().isEmpty() ? null : query.tag(),
            PageRequest.of(query.page(), query.size(), order));
    Map<Long, Integer> latest =
        page.isEmpty()
            ? Map.of()
            : versions.latestVersions(page.map(Model::id).getContent()).stream()
                .collect(
                    Collectors.toMap(
                        ModelVersionRepository.LatestVersion::modelId,
                        ModelVersionRepository.LatestVersion::number));
    return toResultPage(page, model -> model.view(latest.get(model.id())));
  }

  /**
   * Applies {@code changes}. With {@code expectedRevision}, fails with {@code REVISION_MISMATCH}
   * unless the model is still at that revision (the API's {@code If-Match}); without it, a
   * concurrent change still fails with {@code CONCURRENT_MODIFICATION} rather than being lost.
   */
  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public ModelView updateModel(
      ModelName name, @Valid ModelChanges changes, OptionalLong expectedRevision) {
    Model model = find(name);
    int highest = versions.highestNumber(model);
    ModelView before = model.view(highest == 0 ? null : highest);
    if (expectedRevision.isPresent() && expectedRevision.getAsLong() != model.lockVersion()) {
      throw new PierException(
          ErrorCode.REVISION_MISMATCH,
          "model '"
              + name
              + "' is at revision "
              + model.lockVersion()
              + ", not "
              + expectedRevision.getAsLong()
              + "; read it again and reapply the change");
    }
    if (model.apply(changes, now())) {
      models.saveAndFlush(model); // flush now so that the view shows the new revision
      ModelView after = model.view(highest == 0 ? null : highest);
      adminEvents.record("model.changed", "model", name.value(), before, after);
      return after;
    }
    return before;
  }

  /**
   * Deletes a model that has no versions. Versions are kept for good: deployments, audit records
   * and rollbacks refer to them, so a model with versions cannot be deleted.
   */
  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  @Transactional
  public void deleteModel(ModelName name) {
    Model model = models.findByNameForUpdate(name.value()).orElseThrow(() -> notFound(name));
    if (versions.existsByModel(model)) {
      throw new PierException(
          ErrorCode.MODEL_HAS_VERSIONS,
          "model '" + name + "' has versions, which are kept for good; it cannot be deleted");
    }
    adminEvents.record("model.deleted", "model", name.value(), model.view(null), null);
    models.delete(model);
  }

  // ---- versions

  /**
   * Registers a new model together with its first version, from uploaded content: all or nothing,
   * so a refused file leaves no empty model behind. Reads {@code content} to its end.
   */
  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  public VersionView createModelWithVersion(
      @Valid NewModel newModel, InputStream content, @Valid VersionDetails details)
      throws IOException {
    ModelName name = ModelName.of(newModel.name());
    if (models.existsByName(name.value())) {
      throw alreadyExists(name);
    }
    try (StagedArtifact staged = store.stage(content, uploadLimit)) {
      ModelVersion.Json columns = inspect(staged, details);
      return transaction.execute(
          status -> {
            createModel(newModel);
            return insertVersion(name, staged, columns, details);
          });
    }
  }

  /** Registers a new version from uploaded content; reads {@code content} to its end. */
  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  public VersionView createVersion(
      ModelName name, InputStream content, @Valid VersionDetails details) throws IOException {
    requireExists(name);
    try (StagedArtifact staged = store.stage(content, uploadLimit)) {
      return register(name, staged, details);
    }
  }

  /** Registers a new version whose artifact is fetched from {@code source.uri()}. */
  @PreAuthorize("hasRole('DATA_SCIENTIST')")
  public VersionView createVersion(ModelName name, @Valid VersionFromUri source)
      throws IOException {
    requireExists(name);
    try (StagedArtifact staged = fetcher.fetch(source.uri(), uploadLimit)) {
      return register(name, staged, source.details());
    }
  }

  @PreAuthorize("hasRole('VIEWER')")
  @Transactional(readOnly = true)
  public VersionView getVersion(ModelName name, int number) {
    return json.view(name.value(), findVersion(find(name), number));
  }

  /** The versions of a model, newest first. */
  @PreAuthorize("hasRole('VIEWER')")
  @Transactional(readOnly = true)
  public ResultPage<VersionView> listVersions(ModelName name, int page, int size) {
    requirePage(page, size);
    Model model = find(name);
    Page<ModelVersion> result =
        versions.findByModel(
            model, PageRequest.of(page, size, Sort.by(Sort.Direction.DESC, "number")));
    return toResultPage(result, version -> json.view(name.value(), version));
  }

  @PreAuthorize("hasAnyRole('VIEWER', 'RUNTIME')")
  @Transactional(readOnly = true)
  public ArtifactDescriptor artifact(ModelName name, int number) {
    ModelVersion version = findVersion(find(name), number);
    return new ArtifactDescriptor(
        name + "-" + number + ".onnx", new Sha256(version.sha256()), version.sizeBytes());
  }

  /** Opens an artifact for download; the caller closes the stream. */
  @PreAuthorize("hasAnyRole('VIEWER', 'RUNTIME')")
  public InputStream openArtifact(ArtifactDescriptor artifact) throws IOException {
    try {
      return store.open(artifact.sha256());
    } catch (NoSuchFileException e) {
      // A version names it, so the store lost it: an operator's problem, not the caller's.
      throw new IllegalStateException(
          "artifact " + artifact.sha256() + " is missing from the artifact store", e);
    }
  }

  private VersionView register(ModelName name, StagedArtifact staged, VersionDetails details) {
    ModelVersion.Json columns = inspect(staged, details);
    return transaction.execute(status -> insertVersion(name, staged, columns, details));
  }

  /** Checks the expected checksum and reads the model's schema: everything before storing. */
  private ModelVersion.Json inspect(StagedArtifact staged, VersionDetails details) {
    if (details.sha256() != null
        && !details.sha256().toLowerCase(Locale.ROOT).equals(staged.sha256().hex())) {
      throw new PierException(
          ErrorCode.CHECKSUM_MISMATCH,
          "the artifact's SHA-256 is "
              + staged.sha256()
              + ", not the expected "
              + Printable.quote(details.sha256()));
    }
    ModelSchema schema = inspector.inspect(staged.file());
    return json.write(schema, json.labels(schema), details);
  }

  /** Inside a transaction: the next version number of the model, and the artifact committed. */
  private VersionView insertVersion(
      ModelName name, StagedArtifact staged, ModelVersion.Json columns, VersionDetails details) {
    Model model = models.findByNameForUpdate(name.value()).orElseThrow(() -> notFound(name));
    ModelVersion version =
        new ModelVersion(
            model,
            versions.highestNumber(model) + 1,
            staged.sha256().hex(),
            staged.size(),
            columns,
            details.lineage().trainingData(),
            details.lineage().codeCommit(),
            now(),
            currentUser.name());
    versions.saveAndFlush(version);
    try {
      store.commit(staged);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store artifact " + staged.sha256(), e);
    }
    VersionView created = json.view(name.value(), version);
    adminEvents.record(
        "version.created", "model-version", name + "/" + created.number(), null, created);
    return created;
  }

  private void requireExists(ModelName name) {
    if (!models.existsByName(name.value())) {
      throw notFound(name);
    }
  }

  private Model find(ModelName name) {
    return models.findByName(name.value()).orElseThrow(() -> notFound(name));
  }

  private ModelVersion findVersion(Model model, int number) {
    return versions
        .findByModelAndNumber(model, number)
        .orElseThrow(
            () ->
                new PierException(
                    ErrorCode.VERSION_NOT_FOUND,
                    "model '" + model.name() + "' has no version " + number));
  }

  private static void requirePage(int page, int size) {
    if (page < 0 || page > ModelQuery.MAXIMUM_PAGE) {
      throw new PierException(
          ErrorCode.VALIDATION_FAILED, "page: must be between 0 and " + ModelQuery.MAXIMUM_PAGE);
    }
    if (size < 1 || size > ModelQuery.MAXIMUM_PAGE_SIZE) {
      throw new PierException(
          ErrorCode.VALIDATION_FAILED,
          "size: must be between 1 and " + ModelQuery.MAXIMUM_PAGE_SIZE);
    }
  }

  private static <E, V> ResultPage<V> toResultPage(Page<E> page, Function<E, V> view) {
    return new ResultPage<>(
        page.getContent().stream().map(view).toList(),
        page.getNumber(),
        page.getSize(),
        page.getTotalElements(),
        page.getTotalPages());
  }

  /** A case-insensitive "contains" pattern for LIKE ... ESCAPE '!'. */
  static String likePattern(String text) {
    if (text == null || text.isEmpty()) {
      return "%";
    }
    String escaped =
        text.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
    return "%" + escaped + "%";
  }

  /** PostgreSQL keeps microseconds; so does every timestamp the registry hands out. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static PierException notFound(ModelName name) {
    return new PierException(ErrorCode.MODEL_NOT_FOUND, "model '" + name + "' does not exist");
  }

  private static PierException alreadyExists(ModelName name) {
    return new PierException(
        ErrorCode.MODEL_ALREADY_EXISTS, "a model named '" + name + "' already exists");
  }
}
