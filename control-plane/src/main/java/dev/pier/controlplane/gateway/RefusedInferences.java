package dev.pier.controlplane.gateway;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;

/**
 * Puts inference requests the security chain refused (401: no valid credentials; 403: a caller that
 * may not infer) on record, so the audit trail holds every attempt, not only those served. It runs
 * before the security chain and looks at the answer after it, through {@link Gateway#refused}. The
 * body of a refused request is never read, so the record has no payload; the gateway's own refusals
 * (an endpoint the caller may not use) are recorded by the gateway, which knows the caller. A plain
 * filter rather than a once-per-request one: it is on every gateway request, and registered for
 * request dispatches only, it needs no request attribute to mark itself.
 */
final class RefusedInferences extends HttpFilter {
  private static final long serialVersionUID = 1L;

  /** Set on a request whose refusal the gateway recorded itself. */
  static final String RECORDED = RefusedInferences.class.getName() + ".recorded";

  /** The actor of a request without valid credentials. */
  static final String ANONYMOUS = "anonymous";

  /**
   * The actor of a request the chain refused with valid credentials (a runtime's token, or a user
   * who must change their password first): its principal is gone once the chain returns.
   */
  static final String REFUSED_CALLER = "refused-caller";

  private final transient Gateway gateway;

  RefusedInferences(Gateway gateway) {
    this.gateway = gateway;
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!request.getMethod().equals("POST") || !request.getRequestURI().endsWith("/infer")) {
      chain.doFilter(request, response);
      return;
    }
    Instant time = Instant.now();
    long start = System.nanoTime();
    chain.doFilter(request, response);
    int status = response.getStatus();
    if ((status != 401 && status != 403) || request.getAttribute(RECORDED) != null) {
      return;
    }
    String endpoint = GatewayServlet.endpointOf(request);
    if (endpoint != null) {
      gateway.refused(
          time,
          endpoint,
          status == 401 ? ANONYMOUS : REFUSED_CALLER,
          status,
          status == 401 ? "no valid credentials" : "the caller may not run inferences",
          System.nanoTime() - start,
          request.getHeader(Gateway.TRACEPARENT),
          request.getRemoteAddr());
    }
  }
}
