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
    assertThat(routing.inFlight(new ModelVersionKey("iris", 1))).isEqualTo(2);

    routing.release(one);
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

  private static Routing.Route route(Integer active, Map<Integer, List<Routing.Target>> ready) {
    return new Routing.Route("iris", active, Duration.ofSeconds(30), ready);
  }

  private static Routing.Lease chosen(Routing.Choice choice) {
    assertThat(choice).isInstanceOf(Routing.Choice.Chosen.class);
    return ((Routing.Choice.Chosen) choice).lease();
  }
}
