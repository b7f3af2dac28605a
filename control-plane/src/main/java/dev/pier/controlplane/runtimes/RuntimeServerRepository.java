package dev.pier.controlplane.runtimes;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface RuntimeServerRepository extends JpaRepository<RuntimeServer, UUID> {

  Optional<RuntimeServer> findByName(String name);

  List<RuntimeServer> findAllByOrderByNameAsc();

  /**
   * Records a heartbeat in one statement, so it cannot interleave with the lost detector: a server
   * marked LOST a moment ago is READY again with this heartbeat. Returns 0 for an unknown id.
   */
  @Modifying
  @Query(
      value =
          """
          update runtime_server
             set state = 'READY', last_heartbeat_at = :now, in_flight_requests = :inFlight,
                 memory_used_bytes = :memoryUsed, loaded_models = cast(:models as jsonb),
                 updated_at = :now
           where id = :id
          """,
      nativeQuery = true)
  int heartbeat(UUID id, Instant now, int inFlight, long memoryUsed, String models);

  /** Servers not yet LOST whose latest sign of life is older than {@code cutoff}. */
  @Query(
      value =
          """
          select name from runtime_server
           where state <> 'LOST' and greatest(last_heartbeat_at, registered_at) < :cutoff
           order by name
          """,
      nativeQuery = true)
  List<String> silentSince(Instant cutoff);

  /**
   * Marks one server LOST if it is still silent: the condition is checked again in the statement,
   * so a heartbeat that arrived since {@link #silentSince} wins.
   */
  @Modifying
  @Query(
      value =
          """
          update runtime_server set state = 'LOST', updated_at = :now
           where name = :name and state <> 'LOST'
             and greatest(last_heartbeat_at, registered_at) < :cutoff
          """,
      nativeQuery = true)
  int markLost(String name, Instant cutoff, Instant now);
}
