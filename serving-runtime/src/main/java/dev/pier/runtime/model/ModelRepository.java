package dev.pier.runtime.model;

import ai.onnxruntime.OrtEnvironment;
import dev.pier.runtime.metrics.RuntimeMetrics;
import dev.pier.runtime.protocol.ErrorCode;
import dev.pier.runtime.protocol.InferenceException;
import dev.pier.runtime.protocol.ModelState;
import dev.pier.runtime.protocol.RepositoryEntry;
import dev.pier.runtime.tensor.Parameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The model repository: a Triton-style directory ({@code <root>/<model>/<version>/model.onnx}, with
 * an optional {@code <root>/<model>/config.json}) and the sessions loaded from it.
 *
 * <p>Locking: whole-model operations (load, unload) hold the model's lock; a version's state
 * changes under the version's lock, taken after the model's. Eviction only ever {@code tryLock}s a
 * victim, so two loads evicting each other's models cannot deadlock. The request path takes no lock
 * unless it must reload an evicted version.
 */
final class ModelRepository implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ModelRepository.class.getName());
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");
  static final String MODEL_FILE = "model.onnx";

  private final Path root;
  private final ModelConfig.Defaults defaults;
  private final OrtEnvironment environment;
  private final MemoryBudget budget;
  private final RuntimeMetrics metrics;
  private final ArtifactFetcher fetcher;
  private final Map<String, ModelEntry> models = new ConcurrentHashMap<>();
  private final ReentrantLock budgetLock = new ReentrantLock();

  /** A model name and its versions. */
  static final class ModelEntry {
    final String name;
    final ReentrantLock lock = new ReentrantLock();
    final ConcurrentSkipListMap<Long, ModelVersion> versions = new ConcurrentSkipListMap<>();

    /** Whether the model should be loaded: readiness fails while such a model has failed. */
    volatile boolean required;

    /** A failure of the model as a whole (bad config.json, no versions), or null. */
    volatile String failure;

    ModelEntry(String name) {
      this.name = name;
    }
  }

  ModelRepository(
      Path root,
      ModelConfig.Defaults defaults,
      long memoryBudgetBytes,
      long maxArtifactBytes,
      ArtifactCredentials artifactCredentials,
      RuntimeMetrics metrics) {
    this.root = root.toAbsolutePath().normalize();
    this.defaults = defaults;
    this.environment = OrtEnvironment.getEnvironment();
    this.budget = new MemoryBudget(memoryBudgetBytes);
    this.metrics = metrics;
    this.fetcher =
        new ArtifactFetcher(maxArtifactBytes, this.root.resolve(".staging"), artifactCredentials);
  }

  Path root() {
    return root;
  }

  /** Loads every model directory under the root, a few at a time; failures land in the index. */
  void loadAll(int parallelism) throws IOException {
    Files.createDirectories(root);
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        if (!MODEL_NAME.matcher(name).matches()) {
          LOG.log(
              System.Logger.Level.WARNING, "skipping directory with invalid model name: " + name);
          continue;
        }
        names.add(name);
      }
    }
    try (ExecutorService loaders = Executors.newFixedThreadPool(Math.max(1, parallelism))) {
      List<Future<?>> loads = new ArrayList<>();
      for (String name : names) {
        loads.add(loaders.submit(() -> loadFromDisk(entry(name))));
      }
      for (Future<?> load : loads) {
        try {
          load.get();
        } catch (Exception e) {
          LOG.log(System.Logger.Level.ERROR, "unexpected failure while loading models", e);
        }
      }
    }
  }

  private ModelEntry entry(String name) {
    return models.computeIfAbsent(name, ModelEntry::new);
  }

  static void checkModelName(String name) {
    if (name == null || !MODEL_NAME.matcher(name).matches() || name.contains("..")) {
      throw InferenceException.invalid(
          "model name '"
              + name
              + "' is invalid: use 1-128 letters, digits, '_', '-' or '.', starting with a letter"
              + " or digit");
    }
  }

  /** Loads or reloads a model from disk, or from an artifact URL first when parameters say so. */
  void load(String name, Parameters parameters) {
    checkModelName(name);
    ModelEntry entry = entry(name);
    entry.lock.lock();
    try {
      if (parameters.get("artifact_uri").isPresent()) {
        fetchArtifact(name, parameters);
      }
      entry.required = true;
      loadFromDisk(entry);
    } finally {
      entry.lock.unlock();
    }
    String problem = problemOf(entry);
    if (problem != null) {
      throw new InferenceException(
          ErrorCode.FAILED_PRECONDITION, "failed to load model '" + name + "': " + problem);
    }
  }

  private void fetchArtifact(String name, Parameters parameters) {
    String uri =
        parameters
            .string("artifact_uri")
            .orElseThrow(
                () -> InferenceException.invalid("parameter 'artifact_uri' must be a string"));
    String sha256 =
        parameters
            .string("sha256")
            .orElseThrow(
                () ->
                    InferenceException.invalid(
                        "parameter 'sha256' is required with 'artifact_uri' and must be a string"));
    String version =
        parameters
            .integer("version")
            .map(String::valueOf)
            .orElseGet(() -> parameters.string("version").orElse("1"));
    if (!VERSION.matcher(version).matches()) {
      throw InferenceException.invalid(
          "parameter 'version' must be a positive integer, got '" + version + "'");
    }
    Path modelDirectory = root.resolve(name);
    Path target = modelDirectory.resolve(version).resolve(MODEL_FILE);
    String config = null;
    if (parameters.get("config").isPresent()) {
      config =
          parameters
              .string("config")
              .orElseThrow(
                  () -> InferenceException.invalid("parameter 'config' must be a JSON string"));
      try {
        ModelConfig.parse(config.getBytes(StandardCharsets.UTF_8), defaults);
      } catch (ModelConfig.ConfigException e) {
        throw InferenceException.invalid("parameter 'config': " + e.getMessage());
      }
    }
    // The artifact first: a failed fetch must not leave a new config beside the old model.
    fetcher.fetch(uri, sha256, target);
    if (config != null) {
      writeConfig(modelDirectory, config);
    }
  }

  private void writeConfig(Path modelDirectory, String config) {
    byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
    try {
      Files.createDirectories(modelDirectory);
      Path temporary = Files.createTempFile(modelDirectory, ".config-", ".partial");
      Files.write(temporary, bytes);
      Files.move(
          temporary,
          modelDirectory.resolve("config.json"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new InferenceException(
          ErrorCode.FAILED_PRECONDITION, "cannot write config.json: " + e.getMessage(), e);
    }
  }

  /** Brings the loaded versions of a model in line with its directory. Caller holds no locks. */
  private void loadFromDisk(ModelEntry entry) {
    entry.lock.lock();
    try {
      entry.required = true;
      Path directory = root.resolve(entry.name);
      ModelConfig config;
      try {
        config = ModelConfig.read(directory, defaults);
      } catch (ModelConfig.ConfigException e) {
        entry.failure = e.getMessage();
        return;
      }
      List<Long> available = versionsOnDisk(directory);
      List<Long> selected = config.versionPolicy().select(available);
      if (selected.isEmpty()) {
        entry.failure =
            available.isEmpty()
                ? "no version directory holds a "
                    + MODEL_FILE
                    + " (expected <model>/<version>/"
                    + MODEL_FILE
                    + ")"
                : "version_policy selects none of the versions on disk " + available;
        return;
      }
      entry.failure = null;
      for (long number : selected) {
        Path file = directory.resolve(Long.toString(number)).resolve(MODEL_FILE);
        ModelVersion version =
            entry.versions.computeIfAbsent(
                number,
                key ->
                    new ModelVersion(
                        entry.name, key, file, metrics.model(entry.name, Long.toString(key))));
        loadVersion(version, config);
      }
      for (ModelVersion version : entry.versions.values()) {
        if (!selected.contains(version.version)) {
          unloadVersion(version, "no longer selected: removed from disk or by version_policy");
        }
      }
    } finally {
      entry.lock.unlock();
    }
  }

  private static List<Long> versionsOnDisk(Path directory) {
    List<Long> versions = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(directory, Files::isDirectory)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (VERSION.matcher(name).matches() && Files.isRegularFile(child.resolve(MODEL_FILE))) {
          versions.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    versions.sort(Comparator.naturalOrder());
    return versions;
  }

  /** Loads one version unless its files are unchanged and it is already serving. */
  private void loadVersion(ModelVersion version, ModelConfig config) {
    version.lock.lock();
    boolean holdsBudgetLock = false;
    try {
      ModelVersion.Fingerprint fingerprint;
      try {
        fingerprint =
            new ModelVersion.Fingerprint(
                Files.size(version.file),
                Files.getLastModifiedTime(version.file).toMillis(),
                config);
      } catch (IOException e) {
        fail(version, "cannot read " + version.file + ": " + e.getMessage());
        return;
      }
      if (version.loaded != null && fingerprint.equals(version.fingerprint)) {
        return;
      }
      if (version.loaded == null) {
        version.state = ModelState.LOADING;
      }
      long memory = config.memoryBytes().orElse(fingerprint.size());
      if (budget.limitBytes() > 0) {
        // Under a budget, reserving and opening happen one load at a time: otherwise parallel loads
        // fill the budget with reservations that nothing can evict yet, and fail each other.
        budgetLock.lock();
        holdsBudgetLock = true;
      }
      String budgetProblem = reserve(memory, version);
      if (budgetProblem != null) {
        fail(version, budgetProblem);
        return;
      }
      OnnxModel onnx;
      try {
        onnx = OnnxModel.open(environment, version.file, config);
      } catch (ModelLoadException | RuntimeException e) {
        budget.release(memory);
        fail(version, e.getMessage());
        return;
      }
      LoadedModel previous = version.loaded;
      version.schema = new ModelVersion.Schema(onnx.inputs(), onnx.outputs(), onnx.properties());
      version.loaded = new LoadedModel(onnx, config, memory, version.displayName());
      version.fingerprint = fingerprint;
      version.lastUsedNanos = System.nanoTime();
      version.state = ModelState.READY;
      version.reason = "";
      version.metrics.memoryBytes(memory);
      if (previous != null) {
        previous.retire();
        budget.release(previous.memoryBytes());
      }
      LOG.log(System.Logger.Level.INFO, "loaded model " + version.displayName());
    } finally {
      // The version first: a load that takes the budget lock next must find this version free to
      // evict, even if this thread is descheduled before releasing the budget lock.
      version.lock.unlock();
      if (holdsBudgetLock) {
        budgetLock.unlock();
      }
      publishLoadedCount();
    }
  }

  private void fail(ModelVersion version, String reason) {
    if (version.loaded != null) {
      // A failed reload keeps the previous session serving: nothing that worked is lost.
      version.reason = "reload failed, still serving the previous load: " + reason;
    } else {
      version.state = ModelState.FAILED;
      version.reason = reason;
    }
    LOG.log(
        System.Logger.Level.WARNING, "cannot load model " + version.displayName() + ": " + reason);
  }

  /** Reserves memory, evicting least-recently-used versions; returns a problem or null. */
  private String reserve(long bytes, ModelVersion requester) {
    java.util.Set<ModelVersion> busy = new java.util.HashSet<>();
    while (!budget.tryReserve(bytes)) {
      ModelVersion victim = leastRecentlyUsed(requester, busy);
      if (victim != null && !evict(victim)) {
        busy.add(victim); // being loaded or unloaded right now: try the next least recently used
        continue;
      }
      if (victim == null) {
        return "needs "
            + bytes
            + " bytes but the memory budget of "
            + budget.limitBytes()
            + " bytes has "
            + (budget.limitBytes() - budget.usedBytes())
            + " free and nothing else can be evicted";
      }
    }
    return null;
  }

  private ModelVersion leastRecentlyUsed(ModelVersion requester, java.util.Set<ModelVersion> busy) {
    ModelVersion oldest = null;
    for (ModelEntry entry : models.values()) {
      for (ModelVersion version : entry.versions.values()) {
        if (version != requester
            && version.loaded != null
            && !busy.contains(version)
            && (oldest == null || version.lastUsedNanos < oldest.lastUsedNanos)) {
          oldest = version;
        }
      }
    }
    return oldest;
  }

  private boolean evict(ModelVersion victim) {
    if (!victim.lock.tryLock()) {
      return false;
    }
    try {
      LoadedModel loaded = victim.loaded;
      if (loaded == null) {
        return true;
      }
      victim.loaded = null;
      victim.state = ModelState.EVICTED;
      victim.reason = "evicted to stay within the memory budget; reloads on the next request";
      loaded.retire();
      budget.release(loaded.memoryBytes());
      victim.metrics.memoryBytes(0);
      LOG.log(System.Logger.Level.INFO, "evicted model " + victim.displayName());
      return true;
    } finally {
      victim.lock.unlock();
      publishLoadedCount();
    }
  }

  private void unloadVersion(ModelVersion version, String reason) {
    version.lock.lock();
    try {
      LoadedModel loaded = version.loaded;
      version.loaded = null;
      version.state = ModelState.UNAVAILABLE;
      version.reason = reason;
      version.fingerprint = null;
      if (loaded != null) {
        loaded.retire();
        budget.release(loaded.memoryBytes());
        version.metrics.memoryBytes(0);
      }
    } finally {
      version.lock.unlock();
      publishLoadedCount();
    }
  }

  void unload(String name) {
    checkModelName(name);
    ModelEntry entry = models.get(name);
    if (entry == null) {
      throw InferenceException.notFound("unknown model '" + name + "'");
    }
    entry.lock.lock();
    try {
      entry.required = false;
      entry.failure = null;
      for (ModelVersion version : entry.versions.values()) {
        unloadVersion(version, "unloaded");
      }
    } finally {
      entry.lock.unlock();
    }
  }

  /** Unloads everything; sessions close as their last requests finish. */
  @Override
  public void close() {
    for (ModelEntry entry : models.values()) {
      for (ModelVersion version : entry.versions.values()) {
        unloadVersion(version, "server shutting down");
      }
    }
  }

  /**
   * Finds the version a request names (or the newest ready one) and acquires its session, reloading
   * it first if it was evicted. The caller must {@link LoadedModel#release()} it.
   */
  Lease acquire(String name, String versionText) {
    ModelVersion version = find(name, versionText);
    while (true) {
      LoadedModel loaded = version.loaded;
      if (loaded != null && loaded.tryAcquire()) {
        version.lastUsedNanos = System.nanoTime();
        return new Lease(version, loaded);
      }
      if (loaded != null) {
        continue; // retired between the read and the acquire: a reload swapped it, read again
      }
      if (version.state != ModelState.EVICTED) {
        throw new InferenceException(
            ErrorCode.UNAVAILABLE,
            "model '"
                + name
                + "' version "
                + version.versionText
                + " is not ready ("
                + version.state
                + (version.reason.isEmpty() ? "" : ": " + version.reason)
                + ")");
      }
      reloadEvicted(version);
    }
  }

  private void reloadEvicted(ModelVersion version) {
    ModelVersion.Fingerprint fingerprint = version.fingerprint;
    ModelConfig config =
        fingerprint != null ? fingerprint.config() : ModelConfig.defaults(defaults);
    version.lock.lock();
    try {
      if (version.state != ModelState.EVICTED) {
        return;
      }
      version.fingerprint = null; // force a real load
    } finally {
      version.lock.unlock();
    }
    loadVersion(version, config);
    if (version.loaded == null) {
      throw new InferenceException(
          ErrorCode.UNAVAILABLE,
          "model '"
              + version.model
              + "' version "
              + version.versionText
              + " could not be reloaded: "
              + version.reason);
    }
  }

  /** A version and the session acquired for one request. */
  record Lease(ModelVersion version, LoadedModel loaded) {}

  /**
   * Resolves a model and version for metadata and inference; version null or empty: newest ready.
   */
  ModelVersion find(String name, String versionText) {
    ModelEntry entry = name == null ? null : models.get(name);
    if (entry == null) {
      throw InferenceException.notFound("unknown model '" + name + "'");
    }
    if (versionText == null || versionText.isEmpty()) {
      ModelVersion newestKnown = null;
      for (ModelVersion version : entry.versions.descendingMap().values()) {
        if (version.state == ModelState.READY || version.state == ModelState.EVICTED) {
          return version;
        }
        if (newestKnown == null) {
          newestKnown = version;
        }
      }
      if (newestKnown != null) {
        return newestKnown;
      }
      throw new InferenceException(
          ErrorCode.UNAVAILABLE,
          "model '"
              + name
              + "' has no loaded version"
              + (entry.failure == null ? "" : ": " + entry.failure));
    }
    ModelVersion version =
        VERSION.matcher(versionText).matches()
            ? entry.versions.get(Long.parseLong(versionText))
            : null;
    if (version == null) {
      throw InferenceException.notFound(
          "unknown version '"
              + versionText
              + "' of model '"
              + name
              + "'; known versions are "
              + entry.versions.keySet());
    }
    return version;
  }

  List<String> versionsOf(String name) {
    ModelEntry entry = models.get(name);
    if (entry == null) {
      return List.of();
    }
    List<String> versions = new ArrayList<>();
    for (ModelVersion version : entry.versions.values()) {
      if (version.state == ModelState.READY || version.state == ModelState.EVICTED) {
        versions.add(version.versionText);
      }
    }
    return versions;
  }

  List<RepositoryEntry> index(boolean readyOnly) {
    List<RepositoryEntry> entries = new ArrayList<>();
    List<String> names = new ArrayList<>(models.keySet());
    names.sort(Comparator.naturalOrder());
    for (String name : names) {
      ModelEntry entry = models.get(name);
      if (entry.failure != null && !readyOnly) {
        entries.add(new RepositoryEntry(name, "", ModelState.FAILED, entry.failure));
      }
      for (ModelVersion version : entry.versions.values()) {
        if (!readyOnly || version.state == ModelState.READY) {
          entries.add(
              new RepositoryEntry(name, version.versionText, version.state, version.reason));
        }
      }
    }
    return entries;
  }

  /** Requests inside the loaded sessions now; a lock-free snapshot for reporting, not a limit. */
  int inFlight() {
    int total = 0;
    for (ModelEntry entry : models.values()) {
      for (ModelVersion version : entry.versions.values()) {
        LoadedModel loaded = version.loaded;
        if (loaded != null) {
          total += loaded.inFlight();
        }
      }
    }
    return total;
  }

  /** The model memory reserved now, as the memory budget counts it. */
  long memoryUsedBytes() {
    return budget.usedBytes();
  }

  /** At least one version ready, and no model that should be loaded has failed. */
  boolean ready() {
    boolean anyReady = false;
    for (ModelEntry entry : models.values()) {
      if (problemOf(entry) != null) {
        return false;
      }
      for (ModelVersion version : entry.versions.values()) {
        anyReady |= version.state == ModelState.READY || version.state == ModelState.EVICTED;
      }
    }
    return anyReady;
  }

  private static String problemOf(ModelEntry entry) {
    if (!entry.required) {
      return null;
    }
    if (entry.failure != null) {
      return entry.failure;
    }
    for (ModelVersion version : entry.versions.values()) {
      if (version.state == ModelState.FAILED) {
        return "version " + version.versionText + ": " + version.reason;
      }
    }
    return null;
  }

  private void publishLoadedCount() {
    int count = 0;
    for (ModelEntry entry : models.values()) {
      for (ModelVersion version : entry.versions.values()) {
        if (version.loaded != null) {
          count++;
        }
      }
    }
    metrics.loadedModels(count);
  }
}
