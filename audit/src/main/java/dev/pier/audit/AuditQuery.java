package dev.pier.audit;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * What to search for in the audit trail; every sink answers it with the same semantics.
 *
 * <p>Every criterion that is set must hold (AND); null means "any". Strings match exactly and
 * case-sensitively, except {@link #text}: free text is cut into words by {@link SearchTerms} and a
 * record matches when it contains every word, case-insensitively. The time range is half-open,
 * {@code [from, to)}. Results are ordered by time, then by id, so pages never overlap or skip: a
 * page's {@link AuditPage#nextCursor()} continues exactly after its last record.
 *
 * <p>Start from {@link #all()} and narrow it with the {@code with…} methods.
 *
 * @param actor the admin user or the caller of an inference
 * @param businessKeyName with {@link #businessKeyValue}: records whose business key of that name
 *     has that value
 * @param cursor where to continue, from a previous page of the same query; null for the first page
 */
public record AuditQuery(
    Instant from,
    Instant to,
    AuditKind kind,
    String endpoint,
    String version,
    String actor,
    String action,
    Outcome outcome,
    String requestId,
    String businessKeyName,
    String businessKeyValue,
    String text,
    Order order,
    int pageSize,
    String cursor) {

  public static final int DEFAULT_PAGE_SIZE = 100;

  /** The largest page a sink returns at once. */
  public static final int MAX_PAGE_SIZE = 10_000;

  /** The order of the results. */
  public enum Order {
    NEWEST_FIRST,
    OLDEST_FIRST
  }

  public AuditQuery {
    if (order == null) {
      order = Order.NEWEST_FIRST;
    }
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "page size must be between 1 and " + MAX_PAGE_SIZE + ": " + pageSize);
    }
    if ((businessKeyName == null) != (businessKeyValue == null)) {
      throw new IllegalArgumentException("a business key needs both a name and a value");
    }
    if (from != null && to != null && from.isAfter(to)) {
      throw new IllegalArgumentException("time range ends before it starts: " + from + " " + to);
    }
  }

  /** Every record, newest first, {@value #DEFAULT_PAGE_SIZE} a page. */
  public static AuditQuery all() {
    return new AuditQuery(
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        Order.NEWEST_FIRST,
        DEFAULT_PAGE_SIZE,
        null);
  }

  /** Records at or after {@code newFrom} and before {@code newTo}; either may be null. */
  public AuditQuery withTimeRange(Instant newFrom, Instant newTo) {
    return with(
        query -> {
          query.from = newFrom;
          query.to = newTo;
        });
  }

  public AuditQuery withKind(AuditKind newKind) {
    return with(query -> query.kind = newKind);
  }

  public AuditQuery withEndpoint(String newEndpoint) {
    return with(query -> query.endpoint = newEndpoint);
  }

  public AuditQuery withVersion(String newVersion) {
    return with(query -> query.version = newVersion);
  }

  /** The admin user or the inference caller. */
  public AuditQuery withActor(String newActor) {
    return with(query -> query.actor = newActor);
  }

  public AuditQuery withAction(String newAction) {
    return with(query -> query.action = newAction);
  }

  public AuditQuery withOutcome(Outcome newOutcome) {
    return with(query -> query.outcome = newOutcome);
  }

  public AuditQuery withRequestId(String newRequestId) {
    return with(query -> query.requestId = newRequestId);
  }

  public AuditQuery withBusinessKey(String name, String value) {
    return with(
        query -> {
          query.businessKeyName = name;
          query.businessKeyValue = value;
        });
  }

  public AuditQuery withText(String newText) {
    return with(query -> query.text = newText);
  }

  public AuditQuery withOrder(Order newOrder) {
    return with(query -> query.order = newOrder);
  }

  public AuditQuery withPageSize(int newPageSize) {
    return with(query -> query.pageSize = newPageSize);
  }

  /** The same query continued from a page's cursor (null: from the start). */
  public AuditQuery withCursor(String newCursor) {
    return with(query -> query.cursor = newCursor);
  }

  /** The business key criterion as a sink stores it: {@code name=value}. */
  public String businessKeyTerm() {
    return businessKeyName == null
        ? null
        : SearchTerms.businessKeyTerm(businessKeyName, businessKeyValue);
  }

  private AuditQuery with(Consumer<Criteria> change) {
    Criteria criteria = new Criteria(this);
    change.accept(criteria);
    return criteria.toQuery();
  }

  /** A query's criteria, mutable, for the {@code with…} methods. */
  private static final class Criteria {
    Instant from;
    Instant to;
    AuditKind kind;
    String endpoint;
    String version;
    String actor;
    String action;
    Outcome outcome;
    String requestId;
    String businessKeyName;
    String businessKeyValue;
    String text;
    Order order;
    int pageSize;
    String cursor;

    Criteria(AuditQuery query) {
      from = query.from;
      to = query.to;
      kind = query.kind;
      endpoint = query.endpoint;
      version = query.version;
      actor = query.actor;
      action = query.action;
      outcome = query.outcome;
      requestId = query.requestId;
      businessKeyName = query.businessKeyName;
      businessKeyValue = query.businessKeyValue;
      text = query.text;
      order = query.order;
      pageSize = query.pageSize;
      cursor = query.cursor;
    }

    AuditQuery toQuery() {
      return new AuditQuery(
          from,
          to,
          kind,
          endpoint,
          version,
          actor,
          action,
          outcome,
          requestId,
          businessKeyName,
          businessKeyValue,
          text,
          order,
          pageSize,
          cursor);
    }
  }
}
