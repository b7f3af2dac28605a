package dev.pier.controlplane.endpoints;

import dev.pier.controlplane.audit.AdminEvents;
import dev.pier.controlplane.security.CurrentUser;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The kept history of every endpoint's versions and rollout steps ({@code rollout_event}). Written
 * in the transaction of the change it records, so a step and its record exist together or not at
 * all; never updated or deleted, so a rollback can always find what was stable before.
 */
@Repository
public class EndpointHistory {
  /** Only the current incarnation: an endpoint deleted and created again starts a new history. */
  private static final String SINCE_CREATED =
      " id >= (SELECT coalesce(max(id), 0) FROM rollout_event WHERE endpoint_name = ?"
          + " AND action = 'CREATED')";

  private final JdbcClient jdbc;
  private final CurrentUser currentUser;
  private final AdminEvents adminEvents;

  EndpointHistory(JdbcClient jdbc, CurrentUser currentUser, AdminEvents adminEvents) {
    this.jdbc = jdbc;
    this.currentUser = currentUser;
    this.adminEvents = adminEvents;
  }

  /** Records a step taken by the current user (or by Pier itself, for automatic steps). */
  public void record(
      String endpoint,
      RolloutEvent.Action action,
      String reason,
      Integer stableBefore,
      int stableAfter,
      TrafficPolicy before,
      TrafficPolicy after) {
    record(endpoint, action, currentUser.name(), reason, stableBefore, stableAfter, before, after);
  }

  void record(
      String endpoint,
      RolloutEvent.Action action,
      String actor,
      String reason,
      Integer stableBefore,
      int stableAfter,
      TrafficPolicy before,
      TrafficPolicy after) {
    jdbc.sql(
            "INSERT INTO rollout_event (endpoint_name, action, actor, reason, stable_before,"
                + " stable_after, canary_before, canary_after, weight_before_bp, weight_after_bp,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            endpoint,
            action.name(),
            actor,
            reason == null || reason.isBlank() ? null : reason.strip(),
            stableBefore,
            stableAfter,
            before.canaryVersion(),
            after.canaryVersion(),
            before.canaryWeightBasisPoints(),
            after.canaryWeightBasisPoints(),
            Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS)))
        .update();
    if (action != RolloutEvent.Action.CREATED && action != RolloutEvent.Action.VERSION_CHANGED) {
      // Creating and changing an endpoint are recorded by EndpointService with the whole endpoint.
      adminEvents.record(
          "rollout." + action.name().toLowerCase(Locale.ROOT).replace('_', '-'),
          "endpoint",
          endpoint,
          reason,
          new Step(stableBefore, before),
          new Step(stableAfter, after));
    }
  }

  /** The policy an audit record shows before and after a rollout step. */
  private record Step(Integer stableVersion, TrafficPolicy traffic) {}

  /** The endpoint's steps since it was created, newest first. */
  public List<RolloutEvent> list(String endpoint) {
    return jdbc.sql(
            "SELECT * FROM rollout_event WHERE endpoint_name = ? AND"
                + SINCE_CREATED
                + " ORDER BY id DESC LIMIT 1000")
        .params(endpoint, endpoint)
        .query(EndpointHistory::event)
        .list();
  }

  /**
   * The version that was stable before {@code current} became stable: the latest step that made it
   * stable other than a rollback (so rolling back twice goes two versions back, not to and fro).
   */
  public Optional<Integer> previousStable(String endpoint, int current) {
    return jdbc.sql(
            "SELECT stable_before FROM rollout_event WHERE endpoint_name = ? AND stable_after = ?"
                + " AND stable_before IS NOT NULL AND stable_before <> stable_after"
                + " AND action NOT IN ('ROLLED_BACK', 'AUTO_ROLLED_BACK') AND"
                + SINCE_CREATED
                + " ORDER BY id DESC LIMIT 1")
        .params(endpoint, current, endpoint)
        .query(Integer.class)
        .optional();
  }

  private static RolloutEvent event(ResultSet row, int index) throws SQLException {
    return new RolloutEvent(
        row.getLong("id"),
        row.getString("endpoint_name"),
        RolloutEvent.Action.valueOf(row.getString("action")),
        row.getString("actor"),
        row.getString("reason"),
        row.getObject("stable_before", Integer.class),
        row.getInt("stable_after"),
        row.getObject("canary_before", Integer.class),
        row.getObject("canary_after", Integer.class),
        row.getInt("weight_before_bp"),
        row.getInt("weight_after_bp"),
        row.getTimestamp("created_at").toInstant());
  }
}
