package dev.pier.controlplane.scheduler;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * The table the gateway routes by: each endpoint's active model version and the runtime servers
 * where versions are READY, published by the scheduler after every reconciliation, with the
 * gateway's outstanding requests per server and per model version.
 *
 * <p>Threading: {@link #acquire} and {@link #publish} hold the same monitor, so once a table
 * without a version is published no new request can pick that version; the scheduler unloads a
 * version only after that, once {@link #inFlight} for it is zero. That is how a version change
 * fails no request. The monitor is held for a map lookup and a scan of a few replicas.
 */
@Component
public class Routing {
  private final Map<UUID, AtomicInteger> perServer = new HashMap<>();
  private final Map<ModelVersionKey, AtomicInteger> perVersion = new HashMap<>();
  private final Map<Replica, AtomicInteger> perReplica = new HashMap<>();
  private final List<Consumer<Map<UUID, Target>>> listeners = new CopyOnWriteArrayList<>();
  private Map<String, Route> routes = Map.of();

  /**
   * One endpoint's routes: the active version, its traffic split, and the READY servers of each
   * routable version.
   */
  record Route(
      String model,
      Integer activeVersion,
      Duration timeout,
      Map<Integer, List<Target>> readyServers,
      Split split) {}

  /**
   * The targets beside the active version that may take traffic now: the scheduler publishes a
   * target only once all of its placements are ready (a canary on its replicas, the others on at
   * least one server); a target not ready is null here and gets nothing.
   *
   * @param canaryWeight basis points of the requests that go to the canary
   * @param stickyHeader the request header whose value decides the variant, or null
   * @param shadowPercent percent of the requests copied to the shadow
   */
  public record Split(
      Integer canaryVersion,
      int canaryWeight,
      String stickyHeader,
      Integer shadowVersion,
      int shadowPercent,
      Integer fallbackVersion) {
    public static final Split NONE = new Split(null, 0, null, null, 0, null);
  }

  /** Which target of an endpoint a request went to. */
  public enum Variant {
    STABLE,
    CANARY,
    /** A version named by the caller ({@code /versions/{v}}). */
    PINNED,
    FALLBACK,
    SHADOW;

    /** The lower-case name used in headers, statistics and the API. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A READY server of a version: its OIP REST base URL, gRPC target ({@code host:port}) and whether
   * that gRPC port serves TLS.
   */
  public record Target(UUID serverId, String restUrl, String grpcTarget, boolean grpcTls) {
    /** A server whose gRPC port is plaintext. */
    public Target(UUID serverId, String restUrl, String grpcTarget) {
      this(serverId, restUrl, grpcTarget, false);
    }
  }

  /** Where one request goes. {@link #release} it when the answer is in. */
  public record Lease(
      String endpoint,
      String model,
      int version,
      UUID serverId,
      String restUrl,
      String grpcTarget,
      boolean grpcTls,
      Duration timeout,
      Variant variant) {}

  /** What {@link #acquire} found. */
  public sealed interface Choice {
    /** No endpoint has that name. */
    record UnknownEndpoint() implements Choice {}

    /** The endpoint does not serve the pinned version. */
    record UnknownVersion() implements Choice {}

    /** The endpoint exists, but no server is READY for its version (or the others failed). */
    record NotReady() implements Choice {}

    /** Go here. */
    record Chosen(Lease lease) implements Choice {}
  }

  /**
   * Picks the READY server with the fewest outstanding requests for the endpoint's active version
   * (or {@code pinnedVersion}), leaving out {@code excluded} servers, and counts the request.
   */
  public Choice acquire(String endpoint, Integer pinnedVersion, Set<UUID> excluded) {
    return acquire(endpoint, pinnedVersion, header -> null, excluded);
  }

  /**
   * Like {@link #acquire(String, Integer, Set)}, splitting unpinned requests between the stable
   * version and a ready canary: by the value of the sticky header (read through {@code headers})
   * when the split names one and the request has it, else at random.
   */
  public synchronized Choice acquire(
      String endpoint,
      Integer pinnedVersion,
      Function<String, String> headers,
      Set<UUID> excluded) {
    Route route = routes.get(endpoint);
    if (route == null) {
      return new Choice.UnknownEndpoint();
    }
    if (pinnedVersion != null) {
      return route.readyServers().containsKey(pinnedVersion)
          ? pick(route, endpoint, pinnedVersion, Variant.PINNED, excluded)
          : new Choice.UnknownVersion();
    }
    Split split = route.split();
    if (split.canaryVersion() != null && bucket(split, headers) < split.canaryWeight()) {
      return pick(route, endpoint, split.canaryVersion(), Variant.CANARY, excluded);
    }
    if (route.activeVersion() == null) {
      return new Choice.NotReady();
    }
    return pick(route, endpoint, route.activeVersion(), Variant.STABLE, excluded);
  }

  /** A replica of the endpoint's ready fallback version, for a request whose primary failed. */
  public synchronized Choice acquireFallback(String endpoint, Set<UUID> excluded) {
    Route route = routes.get(endpoint);
    if (route == null || route.split().fallbackVersion() == null) {
      return new Choice.NotReady();
    }
    return pick(route, endpoint, route.split().fallbackVersion(), Variant.FALLBACK, excluded);
  }

  /**
   * For {@code shadowPercent} % of the calls, a replica of the endpoint's ready shadow version to
   * copy a request to; empty otherwise.
   */
  public synchronized Optional<Lease> acquireShadow(String endpoint) {
    Route route = routes.get(endpoint);
    if (route == null
        || route.split().shadowVersion() == null
        || ThreadLocalRandom.current().nextInt(100) >= route.split().shadowPercent()) {
      return Optional.empty();
    }
    return pick(route, endpoint, route.split().shadowVersion(), Variant.SHADOW, Set.of())
            instanceof Choice.Chosen chosen
        ? Optional.of(chosen.lease())
        : Optional.empty();
  }

  /** The endpoint's published split (only targets that are ready), or null for no endpoint. */
  public synchronized Split split(String endpoint) {
    Route route = routes.get(endpoint);
    return route == null ? null : route.split();
  }

  private Choice pick(
      Route route, String endpoint, int version, Variant variant, Set<UUID> excluded) {
    List<Target> targets = route.readyServers().get(version);
    if (targets == null) {
      return new Choice.NotReady();
    }
    Target best = null;
    int fewest = Integer.MAX_VALUE;
    for (Target target : targets) {
      if (excluded.contains(target.serverId())) {
        continue;
      }
      int outstanding = counter(perServer, target.serverId()).get();
      if (outstanding < fewest) {
        best = target;
        fewest = outstanding;
      }
    }
    if (best == null) {
      return new Choice.NotReady();
    }
    counter(perServer, best.serverId()).incrementAndGet();
    ModelVersionKey key = new ModelVersionKey(route.model(), version);
    counter(perVersion, key).incrementAndGet();
    counter(perReplica, new Replica(best.serverId(), key)).incrementAndGet();
    return new Choice.Chosen(
        new Lease(
            endpoint,
            route.model(),
            version,
            best.serverId(),
            best.restUrl(),
            best.grpcTarget(),
            best.grpcTls(),
            route.timeout(),
            variant));
  }

  /**
   * 0–9999: from the sticky header's value when there is one (the same value, the same bucket, on
   * every gateway), else at random.
   */
  private static int bucket(Split split, Function<String, String> headers) {
    String key = split.stickyHeader() == null ? null : headers.apply(split.stickyHeader());
    if (key == null) {
      return ThreadLocalRandom.current().nextInt(TrafficShare.ALL);
    }
    return TrafficShare.bucket(key);
  }

  public synchronized void release(Lease lease) {
    counter(perServer, lease.serverId()).decrementAndGet();
    ModelVersionKey key = new ModelVersionKey(lease.model(), lease.version());
    counter(perVersion, key).decrementAndGet();
    counter(perReplica, new Replica(lease.serverId(), key)).decrementAndGet();
  }

  void publish(Map<String, Route> routes) {
    Map<UUID, Target> servers = new HashMap<>();
    synchronized (this) {
      this.routes = Map.copyOf(routes);
      for (Route route : this.routes.values()) {
        for (List<Target> targets : route.readyServers().values()) {
          for (Target target : targets) {
            servers.put(target.serverId(), target);
          }
        }
      }
    }
    Map<UUID, Target> published = Map.copyOf(servers);
    for (Consumer<Map<UUID, Target>> listener : listeners) {
      listener.accept(published);
    }
  }

  /**
   * Calls {@code listener} after every {@link #publish} with each server the new table routes to
   * (its REST URL and gRPC target; outside the monitor), so the gateway can close connections to
   * servers that left it.
   */
  public void onPublish(Consumer<Map<UUID, Target>> listener) {
    listeners.add(listener);
  }

  synchronized int inFlight(ModelVersionKey key) {
    AtomicInteger count = perVersion.get(key);
    return count == null ? 0 : count.get();
  }

  /** Requests in flight to one version on one server: zero before a surplus replica goes. */
  synchronized int inFlight(ModelVersionKey key, UUID serverId) {
    AtomicInteger count = perReplica.get(new Replica(serverId, key));
    return count == null ? 0 : count.get();
  }

  /** One version on one server. */
  private record Replica(UUID serverId, ModelVersionKey key) {}

  private static <K> AtomicInteger counter(Map<K, AtomicInteger> counters, K key) {
    return counters.computeIfAbsent(key, ignored -> new AtomicInteger());
  }
}
