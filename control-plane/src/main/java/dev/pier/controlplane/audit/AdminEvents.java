package dev.pier.controlplane.audit;

import dev.pier.controlplane.security.CurrentUser;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records administrative actions in {@code admin_event}. {@link #record} joins the caller's
 * transaction, so a change that rolls back leaves no record and a record never lacks its change;
 * {@link #recordSeparately} has its own, for actions that fail (sign-in failures) and must be kept
 * although nothing else is written.
 */
@Service
public class AdminEvents {
  private static final int LONGEST_DETAIL = 2048;
  private static final JsonMapper JSON = JsonMapper.builder().findAndAddModules().build();

  private final JdbcClient jdbc;
  private final CurrentUser currentUser;

  AdminEvents(JdbcClient jdbc, CurrentUser currentUser) {
    this.jdbc = jdbc;
    this.currentUser = currentUser;
  }

  /**
   * Records a successful action by the current caller, in the current transaction.
   *
   * @param before the target before (any JSON-serialisable value), null if it did not exist
   * @param after the target after, null if it no longer exists
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void record(String action, String targetType, String target, Object before, Object after) {
    insert(
        currentUser.name(),
        action,
        targetType,
        target,
        AdminEvent.Outcome.SUCCESS,
        null,
        before,
        after);
  }

  /** As {@link #record}, with a reason or explanation kept beside it. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void record(
      String action, String targetType, String target, String detail, Object before, Object after) {
    insert(
        currentUser.name(),
        action,
        targetType,
        target,
        AdminEvent.Outcome.SUCCESS,
        detail,
        before,
        after);
  }

  /** Records an action in a transaction of its own, by {@code actor}, e.g. a failed sign-in. */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  public void recordSeparately(
      String actor,
      String action,
      String targetType,
      String target,
      AdminEvent.Outcome outcome,
      String detail) {
    insert(actor, action, targetType, target, outcome, detail, null, null);
  }

  /** The latest records, newest first, optionally of one target type and target. */
  @Transactional(readOnly = true)
  public List<AdminEvent> latest(String targetType, String target, int limit) {
    return jdbc.sql(
            "SELECT * FROM admin_event WHERE (CAST(? AS varchar) IS NULL OR target_type = ?)"
                + " AND (CAST(? AS varchar) IS NULL OR target = ?) ORDER BY id DESC LIMIT ?")
        .params(targetType, targetType, target, target, limit)
        .query(
            (row, number) ->
                new AdminEvent(
                    row.getLong("id"),
                    row.getTimestamp("occurred_at").toInstant(),
                    row.getString("actor"),
                    row.getString("action"),
                    row.getString("target_type"),
                    row.getString("target"),
                    AdminEvent.Outcome.valueOf(row.getString("outcome")),
                    row.getString("detail"),
                    row.getString("before_json"),
                    row.getString("after_json"),
                    row.getString("source_address")))
        .list();
  }

  private void insert(
      String actor,
      String action,
      String targetType,
      String target,
      AdminEvent.Outcome outcome,
      String detail,
      Object before,
      Object after) {
    jdbc.sql(
            "INSERT INTO admin_event (occurred_at, actor, action, target_type, target, outcome,"
                + " detail, before_json, after_json, source_address)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS)),
            actor,
            action,
            targetType,
            target,
            outcome.name(),
            detail == null || detail.length() <= LONGEST_DETAIL
                ? detail
                : detail.substring(0, LONGEST_DETAIL),
            json(before),
            json(after),
            sourceAddress())
        .update();
  }

  private static String json(Object value) {
    return value == null ? null : JSON.writeValueAsString(value);
  }

  private static String sourceAddress() {
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request) {
      HttpServletRequest servlet = request.getRequest();
      return servlet.getRemoteAddr();
    }
    return null;
  }
}
