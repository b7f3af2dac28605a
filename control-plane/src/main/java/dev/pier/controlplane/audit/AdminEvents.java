package dev.pier.controlplane.audit;

import dev.pier.audit.AuditRecord;
import dev.pier.audit.Outcome;
import dev.pier.controlplane.security.CurrentUser;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records administrative actions in {@code admin_event}. {@link #record} joins the caller's
 * transaction, so a change that rolls back leaves no record and a record never lacks its change;
 * {@link #recordSeparately} has its own, for actions that fail (sign-in failures) and must be kept
 * although nothing else is written.
 *
 * <p>Once the transaction commits, the same event goes to the {@link AuditTrail} as an admin record
 * (target {@code <type>:<target>}, the detail as its error), hash-chained with the rest of the
 * trail; {@code admin_event} stays the transactional record the REST API lists.
 */
@Service
public class AdminEvents {
  private static final int LONGEST_DETAIL = 2048;
  private static final Logger log = LoggerFactory.getLogger(AdminEvents.class);
  private static final JsonMapper JSON = JsonMapper.builder().findAndAddModules().build();

  private final JdbcClient jdbc;
  private final CurrentUser currentUser;
  private final AuditTrail trail;

  AdminEvents(JdbcClient jdbc, CurrentUser currentUser, AuditTrail trail) {
    this.jdbc = jdbc;
    this.currentUser = currentUser;
    this.trail = trail;
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
    Instant time = Instant.now().truncatedTo(ChronoUnit.MICROS);
    String trimmedDetail =
        detail == null || detail.length() <= LONGEST_DETAIL
            ? detail
            : detail.substring(0, LONGEST_DETAIL);
    String beforeJson = json(before);
    String afterJson = json(after);
    String source = sourceAddress();
    jdbc.sql(
            "INSERT INTO admin_event (occurred_at, actor, action, target_type, target, outcome,"
                + " detail, before_json, after_json, source_address)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            Timestamp.from(time),
            actor,
            action,
            targetType,
            target,
            outcome.name(),
            trimmedDetail,
            beforeJson,
            afterJson,
            source)
        .update();
    AuditRecord record =
        AuditRecord.admin(
            time,
            actor,
            action,
            targetType + ":" + target,
            beforeJson,
            afterJson,
            source,
            outcome == AdminEvent.Outcome.SUCCESS ? Outcome.SUCCESS : Outcome.FAILURE);
    AuditRecord withDetail = trimmedDetail == null ? record : record.withError(trimmedDetail);
    // The trail gets the event once its row (and so its change) is committed, never before.
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            submit(withDetail);
          }
        });
  }

  private void submit(AuditRecord record) {
    try {
      trail.submit(record);
    } catch (RuntimeException e) {
      // The row in admin_event stands; the change is not undone for the trail's sake.
      log.error("admin event {} did not reach the audit trail", record.action(), e);
    }
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
