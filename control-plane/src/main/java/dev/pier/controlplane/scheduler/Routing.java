package dev.pier.controlplane.scheduler;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
  private final List<Consumer<Map<UUID, Target>>> listeners = new CopyOnWriteArrayList<>();
  private Map<String, Route> routes = Map.of();

  /** One endpoint's routes: the active version, and the READY servers of each routable version. */
  record Route(
      String model,
      Integer activeVersion,
      Duration timeout,
      Map<Integer, List<Target>> readyServers) {}

  /** A READY server of a version: its OIP REST base URL and gRPC target ({@code host:port}). */
  public record Target(UUID serverId, String restUrl, String grpcTarget) {}

  /** Where one request goes. {@link #release} it when the answer is in. */
  public record Lease(
      String endpoint,
      String model,
      int version,
      UUID serverId,
      String restUrl,
      String grpcTarget,
      Duration timeout) {}

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
  public synchronized Choice acquire(String endpoint, Integer pinnedVersion, Set<UUID> excluded) {
    Route route = routes.get(endpoint);
    if (route == null) {
      return new Choice.UnknownEndpoint();
    }
    Integer version = pinnedVersion != null ? pinnedVersion : route.activeVersion();
    if (version == null) {
      return new Choice.NotReady();
    }
    List<Target> targets = route.readyServers().get(version);
    if (targets == null) {
      return pinnedVersion != null ? new Choice.UnknownVersion() : new Choice.NotReady();
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
    return new Choice.Chosen(
        new Lease(
            endpoint,
            route.model(),
            version,
            best.serverId(),
            best.restUrl(),
            best.grpcTarget(),
            route.timeout()));
  }

  public synchronized void release(Lease lease) {
    counter(perServer, lease.serverId()).decrementAndGet();
    counter(perVersion, new ModelVersionKey(lease.model(), lease.version())).decrementAndGet();
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

  private static <K> AtomicInteger counter(Map<K, AtomicInteger> counters, K key) {
    return counters.computeIfAbsent(key, ignored -> new AtomicInteger());
  }
}
