package dev.pier.controlplane.scheduler;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The placement table; only the scheduler's thread writes it. */
@Repository
class Placements {
  private final JdbcClient jdbc;

  Placements(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A row with what the scheduler needs beyond the view. */
  record Row(
      UUID id,
      ModelVersionKey key,
      UUID serverId,
      Instant serverRegisteredAt,
      long sizeBytes,
      PlacementState state,
      String reason,
      Instant updatedAt) {}

  List<Row> all() {
    return jdbc.sql(
            "SELECT id, model_name, version_number, server_id, server_registered_at, size_bytes,"
                + " state, reason, updated_at FROM placement ORDER BY model_name, version_number,"
                + " created_at")
        .query(
            (row, index) ->
                new Row(
                    row.getObject("id", UUID.class),
                    new ModelVersionKey(row.getString("model_name"), row.getInt("version_number")),
                    row.getObject("server_id", UUID.class),
                    row.getTimestamp("server_registered_at").toInstant(),
                    row.getLong("size_bytes"),
                    PlacementState.valueOf(row.getString("state")),
                    row.getString("reason"),
                    row.getTimestamp("updated_at").toInstant()))
        .list();
  }

  /** Placements as the API shows them, of one model (null: all), with their servers' names. */
  List<PlacementView> views(String model) {
    return jdbc.sql(
            "SELECT p.id, p.model_name, p.version_number, p.server_id, s.name AS server_name,"
                + " p.state, p.reason, p.size_bytes, p.updated_at FROM placement p"
                + " JOIN runtime_server s ON s.id = p.server_id"
                + " WHERE CAST(? AS varchar) IS NULL OR p.model_name = ?"
                + " ORDER BY p.model_name, p.version_number, s.name")
        .params(model, model)
        .query(
            (row, index) ->
                new PlacementView(
                    row.getObject("id", UUID.class),
                    row.getString("model_name"),
                    row.getInt("version_number"),
                    row.getObject("server_id", UUID.class),
                    row.getString("server_name"),
                    PlacementState.valueOf(row.getString("state")),
                    row.getString("reason"),
                    row.getLong("size_bytes"),
                    row.getTimestamp("updated_at").toInstant()))
        .list();
  }

  Row insertLoading(ModelVersionKey key, UUID serverId, Instant registeredAt, long size) {
    Instant now = now();
    UUID id = UUID.randomUUID();
    jdbc.sql(
            "INSERT INTO placement (id, model_name, version_number, server_id,"
                + " server_registered_at, size_bytes, state, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, 'LOADING', ?, ?)")
        .params(
            id,
            key.model(),
            key.version(),
            serverId,
            Timestamp.from(registeredAt),
            size,
            Timestamp.from(now),
            Timestamp.from(now))
        .update();
    return new Row(id, key, serverId, registeredAt, size, PlacementState.LOADING, null, now);
  }

  void setState(UUID id, PlacementState state, String reason) {
    jdbc.sql("UPDATE placement SET state = ?, reason = ?, updated_at = ? WHERE id = ?")
        .params(state.name(), reason, Timestamp.from(now()), id)
        .update();
  }

  void delete(UUID id) {
    jdbc.sql("DELETE FROM placement WHERE id = ?").param(id).update();
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
