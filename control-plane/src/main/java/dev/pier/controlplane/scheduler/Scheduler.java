package dev.pier.controlplane.scheduler;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.endpoints.EndpointChanged;
import dev.pier.controlplane.endpoints.EndpointService;
import dev.pier.controlplane.endpoints.EndpointView;
import dev.pier.controlplane.endpoints.TrafficPolicy;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.registry.ModelName;
import dev.pier.controlplane.registry.RegistryService;
import dev.pier.controlplane.registry.VersionView;
import dev.pier.controlplane.runtimes.LocalControlPlane;
import dev.pier.controlplane.runtimes.RuntimeAccess;
import dev.pier.controlplane.runtimes.RuntimeServerService;
import dev.pier.controlplane.runtimes.RuntimeServerState;
import dev.pier.controlplane.runtimes.RuntimeServerView;
import dev.pier.controlplane.security.SystemCaller;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reconcile loop: every {@value #INTERVAL_MILLIS} ms, and at once after an endpoint changes, it
 * brings placements in line with what endpoints need.
 *
 * <ol>
 *   <li>Placements on servers that are not READY, or that registered again since the placement was
 *       made (a restarted process has lost its models), are dropped.
 *   <li>Every version an endpoint needs (its desired and its active version) is placed on {@code
 *       replicas} READY servers with the {@code onnx} capability and enough free memory (capacity
 *       minus the artifact sizes placed there), preferring servers that already hold it, then the
 *       servers with the fewest placements. Loading goes through the runtime's repository API with
 *       this control plane's artifact download URL and the version's SHA-256.
 *   <li>An endpoint whose desired version is READY on {@code min(replicas, eligible servers)}
 *       servers is switched to it.
 *   <li>The routing table is published to the gateway.
 *   <li>Versions no endpoint needs are unloaded once the gateway has no request in flight to them.
 * </ol>
 *
 * <p>Threading: one dedicated thread runs every step (loads block it; they must not block Spring's
 * shared scheduler, which runs the LOST check), so no two decisions race. FAILED placements are
 * retried on the same server after {@link #RETRY_FAILED_AFTER}.
 */
@Component
public class Scheduler implements DisposableBean {
  static final long INTERVAL_MILLIS = 500;
  static final Duration RETRY_FAILED_AFTER = Duration.ofSeconds(30);
  private static final String CAPABILITY = "onnx";
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  private final EndpointService endpoints;
  private final RuntimeServerService servers;
  private final RegistryService registry;
  private final Placements placements;
  private final Routing routing;
  private final RuntimeRepositoryClient runtimes;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("pier-scheduler").daemon().factory());
  private final AtomicBoolean nudged = new AtomicBoolean();
  private volatile int port;
  private volatile String localUrl;

  private final PierProperties properties;
  private final Environment environment;

  Scheduler(
      EndpointService endpoints,
      RuntimeServerService servers,
      RegistryService registry,
      Placements placements,
      Routing routing,
      JsonMapper json,
      PierProperties properties,
      RuntimeAccess access,
      Environment environment) {
    this.properties = properties;
    this.environment = environment;
    this.endpoints = endpoints;
    this.servers = servers;
    this.registry = registry;
    this.placements = placements;
    this.routing = routing;
    this.runtimes =
        new RuntimeRepositoryClient(
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(access.sslContext())
                .build(),
            json,
            access.authorization());
  }

  /** Starts the loop once the artifact download URL is known (the servlet's real port). */
  @EventListener
  void webServerStarted(WebServerInitializedEvent event) {
    if (event.getApplicationContext().getServerNamespace() != null || port != 0) {
      return; // a management server, or already started
    }
    port = event.getWebServer().getPort();
    localUrl = LocalControlPlane.url(environment, port);
    thread.scheduleWithFixedDelay(this::reconcileSafely, 0, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  @TransactionalEventListener(fallbackExecution = true)
  void endpointChanged(EndpointChanged event) {
    nudge();
  }

  /** Asks for a reconciliation now; nudges while one is pending coalesce. */
  public void nudge() {
    if (port != 0 && nudged.compareAndSet(false, true)) {
      try {
        thread.execute(
            () -> {
              nudged.set(false);
              reconcileSafely();
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        nudged.set(false); // shutting down
      }
    }
  }

  @Override
  public void destroy() throws InterruptedException {
    thread.shutdownNow();
    thread.awaitTermination(10, TimeUnit.SECONDS);
  }

  private void reconcileSafely() {
    try {
      SystemCaller.run(this::reconcile);
    } catch (RuntimeException e) {
      // The next round starts from the database again; one failed round loses nothing.
      log.warn("reconciliation failed; retrying in {} ms", INTERVAL_MILLIS, e);
    }
  }

  void reconcile() {
    Map<UUID, RuntimeServerView> byId = new HashMap<>();
    for (RuntimeServerView server : servers.list()) {
      byId.put(server.id(), server);
    }
    List<Placements.Row> live = dropStale(byId);
    Map<ModelVersionKey, Integer> needed = replicasNeeded(endpoints.list());
    List<RuntimeServerView> eligible =
        byId.values().stream()
            .filter(server -> server.state() == RuntimeServerState.READY)
            .filter(server -> server.capabilities().contains(CAPABILITY))
            .sorted(Comparator.comparing(RuntimeServerView::name))
            .toList();
    needed.forEach((key, replicas) -> place(key, replicas, eligible, live));
    for (EndpointView endpoint : endpoints.list()) {
      if (!Objects.equals(endpoint.activeVersion(), endpoint.version())) {
        long ready = count(live, new ModelVersionKey(endpoint.model(), endpoint.version()), true);
        long required = Math.max(1, Math.min(endpoint.replicas(), eligible.size()));
        if (ready >= required && endpoints.activate(endpoint.name(), endpoint.version())) {
          log.info(
              "endpoint {} now serves {} version {}",
              endpoint.name(),
              endpoint.model(),
              endpoint.version());
        }
      }
    }
    List<EndpointView> current = endpoints.list();
    Map<ModelVersionKey, Integer> stillNeeded = replicasNeeded(current);
    List<Placements.Row> surplus = surplus(live, stillNeeded, byId);
    List<Placements.Row> routable = new ArrayList<>(live);
    routable.removeAll(surplus);
    // Published before anything is unloaded: from here on no new request picks what goes.
    publish(current, routable, byId, eligible.size());
    for (Placements.Row row : List.copyOf(live)) {
      boolean unneeded = !stillNeeded.containsKey(row.key()) && routing.inFlight(row.key()) == 0;
      boolean drained = surplus.contains(row) && routing.inFlight(row.key(), row.serverId()) == 0;
      if (unneeded || drained) {
        remove(row, live, byId.get(row.serverId()));
      }
    }
  }

  /** How many replicas of each version the endpoints need: desired and active versions. */
  private static Map<ModelVersionKey, Integer> replicasNeeded(List<EndpointView> endpoints) {
    Map<ModelVersionKey, Integer> needed = new LinkedHashMap<>();
    for (EndpointView endpoint : endpoints) {
      needed.merge(
          new ModelVersionKey(endpoint.model(), endpoint.version()),
          endpoint.replicas(),
          Math::max);
      TrafficPolicy traffic = endpoint.traffic();
      for (Integer version :
          Arrays.asList(
              endpoint.activeVersion(), traffic.canaryVersion(), traffic.fallbackVersion())) {
        if (version != null) {
          needed.merge(
              new ModelVersionKey(endpoint.model(), version), endpoint.replicas(), Math::max);
        }
      }
      if (traffic.shadowVersion() != null) {
        // A shadow's answers are only recorded: one replica is enough.
        needed.merge(new ModelVersionKey(endpoint.model(), traffic.shadowVersion()), 1, Math::max);
      }
    }
    return needed;
  }

  /**
   * Placements beyond the replicas still needed (after an endpoint's replicas were lowered): of
   * each needed version, READY placements are kept before loading ones, then by server name, so
   * every round picks the same surplus while it drains.
   */
  private static List<Placements.Row> surplus(
      List<Placements.Row> live,
      Map<ModelVersionKey, Integer> needed,
      Map<UUID, RuntimeServerView> byId) {
    List<Placements.Row> surplus = new ArrayList<>();
    needed.forEach(
        (key, replicas) -> {
          List<Placements.Row> placed =
              live.stream()
                  .filter(row -> row.key().equals(key))
                  .filter(row -> row.state() != PlacementState.FAILED)
                  .sorted(
                      Comparator.comparing(
                              (Placements.Row row) -> row.state() != PlacementState.READY)
                          .thenComparing(row -> byId.get(row.serverId()).name()))
                  .toList();
          if (placed.size() > replicas) {
            surplus.addAll(placed.subList(replicas, placed.size()));
          }
        });
    return surplus;
  }

  private List<Placements.Row> dropStale(Map<UUID, RuntimeServerView> byId) {
    List<Placements.Row> live = new ArrayList<>();
    Instant retryBefore = Instant.now().minus(RETRY_FAILED_AFTER);
    for (Placements.Row row : placements.all()) {
      RuntimeServerView server = byId.get(row.serverId());
      if (server == null
          || server.state() != RuntimeServerState.READY
          || !server.registeredAt().equals(row.serverRegisteredAt())) {
        placements.delete(row.id());
        log.info(
            "dropped placement of {} version {}: its server {}",
            row.key().model(),
            row.key().version(),
            server == null
                ? "is gone"
                : server.state() != RuntimeServerState.READY
                    ? "is " + server.state()
                    : "restarted (registered again at " + server.registeredAt() + ")");
      } else if (row.state() == PlacementState.FAILED && row.updatedAt().isBefore(retryBefore)) {
        placements.delete(row.id());
      } else {
        live.add(row);
      }
    }
    return live;
  }

  private void place(
      ModelVersionKey key,
      int replicas,
      List<RuntimeServerView> eligible,
      List<Placements.Row> live) {
    long placed = count(live, key, false);
    if (placed >= replicas) {
      return;
    }
    VersionView version;
    try {
      version = registry.getVersion(ModelName.of(key.model()), key.version());
    } catch (PierException e) {
      log.warn("cannot place {} version {}: {}", key.model(), key.version(), e.getMessage());
      return;
    }
    List<RuntimeServerView> candidates =
        eligible.stream()
            .filter(
                server ->
                    live.stream()
                        .noneMatch(
                            row -> row.key().equals(key) && row.serverId().equals(server.id())))
            .filter(server -> free(server, live) >= version.size())
            .sorted(
                Comparator.comparing((RuntimeServerView server) -> !holds(server, key))
                    .thenComparingLong(server -> placementsOn(server, live))
                    .thenComparing(server -> -free(server, live)))
            .toList();
    for (RuntimeServerView server : candidates) {
      if (placed >= replicas) {
        return;
      }
      Placements.Row row =
          placements.insertLoading(key, server.id(), server.registeredAt(), version.size());
      live.add(row);
      List<Integer> keep =
          live.stream()
              .filter(other -> other.serverId().equals(server.id()))
              .filter(other -> other.key().model().equals(key.model()))
              .filter(other -> other.state() != PlacementState.FAILED)
              .map(other -> other.key().version())
              .distinct()
              .toList();
      Optional<String> failure =
          runtimes.load(
              server.restUrl(),
              key.model(),
              key.version(),
              artifactUrl(key),
              version.sha256(),
              keep);
      PlacementState state = failure.isEmpty() ? PlacementState.READY : PlacementState.FAILED;
      placements.setState(row.id(), state, failure.orElse(null));
      live.set(live.indexOf(row), withState(row, state, failure.orElse(null)));
      if (failure.isEmpty()) {
        placed++;
        log.info("placed {} version {} on {}", key.model(), key.version(), server.name());
      } else {
        log.warn(
            "placing {} version {} on {} failed: {}",
            key.model(),
            key.version(),
            server.name(),
            failure.get());
      }
    }
  }

  /** Unloads one placement; other versions of the model on that server stay loaded. */
  private void remove(Placements.Row row, List<Placements.Row> live, RuntimeServerView server) {
    live.remove(row);
    List<Placements.Row> remaining =
        live.stream()
            .filter(other -> other.serverId().equals(row.serverId()))
            .filter(other -> other.key().model().equals(row.key().model()))
            .filter(other -> other.state() != PlacementState.FAILED)
            .toList();
    if (server != null && row.state() != PlacementState.FAILED) {
      if (remaining.isEmpty()) {
        runtimes.unload(server.restUrl(), row.key().model());
      } else {
        // Loading a kept version with the shorter version_policy unloads the removed one.
        Placements.Row kept = remaining.getFirst();
        VersionView version =
            registry.getVersion(ModelName.of(kept.key().model()), kept.key().version());
        runtimes.load(
            server.restUrl(),
            kept.key().model(),
            kept.key().version(),
            artifactUrl(kept.key()),
            version.sha256(),
            remaining.stream().map(other -> other.key().version()).distinct().toList());
      }
    }
    placements.delete(row.id());
    log.info(
        "unloaded {} version {} from {}",
        row.key().model(),
        row.key().version(),
        server == null ? row.serverId() : server.name());
  }

  private void publish(
      List<EndpointView> current,
      List<Placements.Row> live,
      Map<UUID, RuntimeServerView> byId,
      int eligibleServers) {
    Map<String, Routing.Route> routes = new HashMap<>();
    for (EndpointView endpoint : current) {
      Set<Integer> served = versionsServed(endpoint);
      Map<Integer, List<Routing.Target>> ready = new HashMap<>();
      for (Placements.Row row : live) {
        if (row.state() == PlacementState.READY
            && served.contains(row.key().version())
            && row.key().model().equals(endpoint.model())) {
          ready
              .computeIfAbsent(row.key().version(), ignored -> new ArrayList<>())
              .add(
                  new Routing.Target(
                      row.serverId(),
                      byId.get(row.serverId()).restUrl(),
                      byId.get(row.serverId()).grpcTarget(),
                      byId.get(row.serverId()).grpcTls()));
        }
      }
      routes.put(
          endpoint.name(),
          new Routing.Route(
              endpoint.model(),
              endpoint.activeVersion(),
              endpoint.timeout(),
              Map.copyOf(ready),
              split(endpoint, live, eligibleServers)));
    }
    routing.publish(routes);
  }

  /**
   * The endpoint's traffic split with only the targets that may take traffic: a canary once it is
   * READY on as many servers as the stable version needs and failed nowhere, a shadow or fallback
   * once READY somewhere.
   */
  private static Routing.Split split(
      EndpointView endpoint, List<Placements.Row> live, int eligibleServers) {
    TrafficPolicy traffic = endpoint.traffic();
    Integer canary = traffic.canaryVersion();
    if (canary != null) {
      ModelVersionKey key = new ModelVersionKey(endpoint.model(), canary);
      long required = Math.max(1, Math.min(endpoint.replicas(), eligibleServers));
      boolean failed =
          live.stream()
              .anyMatch(row -> row.key().equals(key) && row.state() == PlacementState.FAILED);
      if (failed || count(live, key, true) < required) {
        canary = null;
      }
    }
    return new Routing.Split(
        canary,
        canary == null ? 0 : traffic.canaryWeightBasisPoints(),
        traffic.stickyHeader(),
        readyVersion(endpoint, traffic.shadowVersion(), live),
        traffic.shadowPercent(),
        readyVersion(endpoint, traffic.fallbackVersion(), live));
  }

  private static Integer readyVersion(
      EndpointView endpoint, Integer version, List<Placements.Row> live) {
    return version != null && count(live, new ModelVersionKey(endpoint.model(), version), true) > 0
        ? version
        : null;
  }

  /** Every version the endpoint may route to: desired, active, canary, shadow and fallback. */
  private static Set<Integer> versionsServed(EndpointView endpoint) {
    Set<Integer> served = new HashSet<>();
    served.add(endpoint.version());
    TrafficPolicy traffic = endpoint.traffic();
    for (Integer version :
        Arrays.asList(
            endpoint.activeVersion(),
            traffic.canaryVersion(),
            traffic.shadowVersion(),
            traffic.fallbackVersion())) {
      if (version != null) {
        served.add(version);
      }
    }
    return served;
  }

  private String artifactUrl(ModelVersionKey key) {
    URI advertised = properties.runtimes().artifactBaseUrl();
    return (advertised != null ? advertised.toString() : localUrl)
        + "/api/v1/models/"
        + key.model()
        + "/versions/"
        + key.version()
        + "/artifact";
  }

  private static long count(List<Placements.Row> live, ModelVersionKey key, boolean readyOnly) {
    return live.stream()
        .filter(row -> row.key().equals(key))
        .filter(
            row ->
                readyOnly
                    ? row.state() == PlacementState.READY
                    : row.state() != PlacementState.FAILED)
        .count();
  }

  private static long free(RuntimeServerView server, List<Placements.Row> live) {
    long used =
        live.stream()
            .filter(row -> row.serverId().equals(server.id()))
            .filter(row -> row.state() != PlacementState.FAILED)
            .mapToLong(Placements.Row::sizeBytes)
            .sum();
    return server.memoryCapacityBytes() - used;
  }

  private static long placementsOn(RuntimeServerView server, List<Placements.Row> live) {
    return live.stream().filter(row -> row.serverId().equals(server.id())).count();
  }

  private static boolean holds(RuntimeServerView server, ModelVersionKey key) {
    return server.models().stream()
        .anyMatch(
            model ->
                model.name().equals(key.model())
                    && model.version().equals(Integer.toString(key.version()))
                    && "READY".equals(model.state()));
  }

  private static Placements.Row withState(Placements.Row row, PlacementState state, String reason) {
    return new Placements.Row(
        row.id(),
        row.key(),
        row.serverId(),
        row.serverRegisteredAt(),
        row.sizeBytes(),
        state,
        reason,
        Instant.now());
  }
}
