package dev.pier.controlplane.audit;

import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/** Reading the administrative record: auditors only. */
@Service
public class AdminEventQueries {
  private final AdminEvents events;

  AdminEventQueries(AdminEvents events) {
    this.events = events;
  }

  /** The latest records, newest first, optionally of one target type and target. */
  @PreAuthorize("hasRole('AUDITOR')")
  public List<AdminEvent> latest(String targetType, String target, int limit) {
    return events.latest(targetType, target, limit);
  }
}
