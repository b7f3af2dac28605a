package dev.pier.controlplane.security;

import java.util.Set;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Runs work Pier does by itself (the scheduler's rounds, progressive rollout steps) as Pier: the
 * application services check roles for every caller, and this caller is recorded as {@link
 * CurrentUser#SYSTEM} wherever it acts.
 */
public final class SystemCaller {
  private static final PierAuthentication PIER =
      new PierAuthentication(
          new PierPrincipal(
              CurrentUser.SYSTEM, Set.of(Role.ADMIN), PierPrincipal.Kind.SYSTEM, null, false));

  private SystemCaller() {}

  /** Runs {@code work} on this thread as Pier, then restores the thread's previous caller. */
  public static void run(Runnable work) {
    SecurityContext previous = SecurityContextHolder.getContext();
    SecurityContext system = SecurityContextHolder.createEmptyContext();
    system.setAuthentication(PIER);
    SecurityContextHolder.setContext(system);
    try {
      work.run();
    } finally {
      SecurityContextHolder.setContext(previous);
    }
  }
}
