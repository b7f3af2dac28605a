package dev.pier.controlplane.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The gateway's choice of replica, and the in-flight counts the scheduler drains by. */
class RoutingTest {
  private static final UUID FIRST = UUID.randomUUID();
  private static final UUID SECOND = UUID.randomUUID();

  private final Routing routing = new Routing();

  @Test
  void picksTheReplicaWithTheFewestOutstandingRequestsAndLeavesOutFailedOnes() {
    routing.publish(
        Map.of(
            "flowers",
            route(
                1,
                Map.of(
                    1,
                    List.of(
                        new Routing.Target(FIRST, "http://first", "first:8001"),
                        new Routing.Target(SECOND, "http://second", "second:8001"))))));

    Routing.Lease one = chosen(routing.acquire("flowers", null, Set.of()));
    Routing.Lease two = chosen(routing.acquire("flowers", null, Set.of()));
    assertThat(Set.of(one.serverId(), two.serverId())).containsExactlyInAnyOrder(FIRST, SECOND);
    ModelVersionKey iris1 = new ModelVersionKey("iris", 1);
    assertThat(routing.inFlight(iris1)).isEqualTo(2);
    assertThat(routing.inFlight(iris1, one.serverId())).isEqualTo(1);

    routing.release(one);
    assertThat(routing.inFlight(iris1, one.serverId())).isZero();
    assertThat(routing.inFlight(iris1, two.serverId())).isEqualTo(1);
    assertThat(chosen(routing.acquire("flowers", null, Set.of())).serverId())
        .isEqualTo(one.serverId());
    assertThat(chosen(routing.acquire("flowers", null, Set.of(FIRST))).serverId())
        .isEqualTo(SECOND);
    assertThat(routing.acquire("flowers", null, Set.of(FIRST, SECOND)))
        .isInstanceOf(Routing.Choice.NotReady.class);
  }

  @Test
  void unknownEndpointsVersionsAndEndpointsWithoutAReadyVersionAreTold() {
    routing.publish(Map.of("flowers", route(null, Map.of())));

    assertThat(routing.acquire("nowhere", null, Set.of()))
        .isInstanceOf(Routing.Choice.UnknownEndpoint.class);
    assertThat(routing.acquire("flowers", null, Set.of()))
        .isInstanceOf(Routing.Choice.NotReady.class);
    assertThat(routing.acquire("flowers", 3, Set.of()))
        .isInstanceOf(Routing.Choice.UnknownVersion.class);
  }

  @Test
  void aPinnedVersionIsServedBesideTheActiveOne() {
    routing.publish(
        Map.of(
            "flowers",
            route(
                1,
                Map.of(
                    1, List.of(new Routing.Target(FIRST, "http://first", "first:8001")),
                    2, List.of(new Routing.Target(SECOND, "http://second", "second:8001"))))));

    Routing.Lease pinned = chosen(routing.acquire("flowers", 2, Set.of()));
    assertThat(pinned.version()).isEqualTo(2);
    assertThat(pinned.restUrl()).isEqualTo("http://second");
    assertThat(pinned.grpcTarget()).isEqualTo("second:8001");
    assertThat(chosen(routing.acquire("flowers", null, Set.of())).version()).isEqualTo(1);
  }

  @Test
  void listenersLearnEveryPublishedServer() {
    List<Map<UUID, Routing.Target>> published = new ArrayList<>();
    routing.onPublish(published::add);

    Routing.Target first = new Routing.Target(FIRST, "http://first", "first:8001");
    Routing.Target second = new Routing.Target(SECOND, "http://second", "second:8001");
    routing.publish(Map.of("flowers", route(1, Map.of(1, List.of(first), 2, List.of(second)))));
    routing.publish(Map.of("flowers", route(null, Map.of())));

    assertThat(published).containsExactly(Map.of(FIRST, first, SECOND, second), Map.of());
  }

  @Test
  void aCanaryAtTwentyPercentGetsTwentyPercentWithinAFewStandardDeviations() {
    routing.publish(Map.of("flowers", canaryRoute(2_000, null)));
    int requests = 20_000;
    int canary = 0;
    for (int i = 0; i < requests; i++) {
      Routing.Lease lease = chosen(routing.acquire("flowers", null, Set.of()));
      if (lease.variant() == Routing.Variant.CANARY) {
        assertThat(lease.version()).isEqualTo(2);
        canary++;
      } else {
        assertThat(lease.variant()).isEqualTo(Routing.Variant.STABLE);
        assertThat(lease.version()).isEqualTo(1);
      }
      routing.release(lease);
    }
    // Binomial(20000, 0.2): standard deviation about 57; 5 of them is a 1-in-3-million miss.
    assertThat(canary).isBetween(4_000 - 285, 4_000 + 285);
  }

  @Test
  void aStickyKeyAlwaysLandsOnTheSameVariantAndKeysSplitByTheWeight() {
    routing.publish(Map.of("flowers", canaryRoute(2_000, "X-User")));
    int canaryKeys = 0;
    for (int user = 0; user < 5_000; user++) {
      String key = "user-" + user;
      Routing.Variant first = null;
      for (int repeat = 0; repeat < 3; repeat++) {
        Routing.Lease lease =
            chosen(
                routing.acquire(
                    "flowers", null, header -> header.equals("X-User") ? key : null, Set.of()));
        routing.release(lease);
        if (first == null) {
          first = lease.variant();
        }
        assertThat(lease.variant()).as("user %s, request %d", key, repeat).isEqualTo(first);
      }
      if (first == Routing.Variant.CANARY) {
        canaryKeys++;
      }
    }
    // Binomial(5000, 0.2) over keys: standard deviation about 28; allow 5.
    assertThat(canaryKeys).isBetween(1_000 - 142, 1_000 + 142);
  }

  @Test
  void fallbackAndShadowLeasesGoToTheirVersionsAndPinnedVersionsStayReachable() {
    Map<Integer, List<Routing.Target>> ready =
        Map.of(
            1, List.of(new Routing.Target(FIRST, "http://first", "first:8001")),
            3, List.of(new Routing.Target(SECOND, "http://second", "second:8001")),
            4, List.of(new Routing.Target(SECOND, "http://second", "second:8001")));
    routing.publish(
        Map.of(
            "flowers",
            new Routing.Route(
                "iris",
                1,
                Duration.ofSeconds(30),
                ready,
                new Routing.Split(null, 0, null, 4, 100, 3))));

    Routing.Lease fallback = chosen(routing.acquireFallback("flowers", Set.of()));
    assertThat(fallback.version()).isEqualTo(3);
    assertThat(fallback.variant()).isEqualTo(Routing.Variant.FALLBACK);
    Routing.Lease shadow = routing.acquireShadow("flowers").orElseThrow();
    assertThat(shadow.version()).isEqualTo(4);
    assertThat(shadow.variant()).isEqualTo(Routing.Variant.SHADOW);
    Routing.Lease pinned = chosen(routing.acquire("flowers", 4, Set.of()));
    assertThat(pinned.variant()).isEqualTo(Routing.Variant.PINNED);
    assertThat(routing.acquireFallback("nowhere", Set.of()))
        .isInstanceOf(Routing.Choice.NotReady.class);
  }

  private static Routing.Route canaryRoute(int weight, String stickyHeader) {
    return new Routing.Route(
        "iris",
        1,
        Duration.ofSeconds(30),
        Map.of(
            1, List.of(new Routing.Target(FIRST, "http://first", "first:8001")),
            2, List.of(new Routing.Target(SECOND, "http://second", "second:8001"))),
        new Routing.Split(2, weight, stickyHeader, null, 0, null));
  }

  private static Routing.Route route(Integer active, Map<Integer, List<Routing.Target>> ready) {
    return new Routing.Route("iris", active, Duration.ofSeconds(30), ready, Routing.Split.NONE);
  }

  private static Routing.Lease chosen(Routing.Choice choice) {
    assertThat(choice).isInstanceOf(Routing.Choice.Chosen.class);
    return ((Routing.Choice.Chosen) choice).lease();
  }
}
