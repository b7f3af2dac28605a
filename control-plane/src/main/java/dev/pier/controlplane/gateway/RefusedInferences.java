package dev.pier.controlplane.gateway;

import dev.pier.controlplane.audit.InferenceAudit;
import dev.pier.controlplane.audit.InferenceCapture;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts inference requests the security chain refused (401: no valid credentials; 403: a caller that
 * may not infer) on record, so the audit trail holds every attempt, not only those served. It runs
 * before the security chain and looks at the answer after it. The body of a refused request is
 * never read, so the record has no payload; the gateway's own refusals (an endpoint the caller may
 * not use) are recorded by the gateway, which knows the caller.
 */
final class RefusedInferences extends OncePerRequestFilter {
  /** Set on a request whose refusal the gateway recorded itself. */
  static final String RECORDED = RefusedInferences.class.getName() + ".recorded";

  /** The actor of a request without valid credentials. */
  static final String ANONYMOUS = "anonymous";

  /**
   * The actor of a request the chain refused with valid credentials (a runtime's token, or a user
   * who must change their password first): its principal is gone once the chain returns.
   */
  static final String REFUSED_CALLER = "refused-caller";

  private final InferenceAudit audit;

  RefusedInferences(InferenceAudit audit) {
    this.audit = audit;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getMethod().equals("POST") || !request.getRequestURI().endsWith("/infer");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Instant time = Instant.now();
    long start = System.nanoTime();
    chain.doFilter(request, response);
    int status = response.getStatus();
    if ((status != 401 && status != 403) || request.getAttribute(RECORDED) != null) {
      return;
    }
    String endpoint = GatewayServlet.endpointOf(request);
    if (endpoint == null || !audit.recordsAny(endpoint)) {
      return;
    }
    audit.capture(
        new InferenceCapture(
            time,
            endpoint,
            null,
            0,
            null,
            status == 401 ? ANONYMOUS : REFUSED_CALLER,
            null,
            null,
            status,
            status == 401 ? "no valid credentials" : "the caller may not run inferences",
            System.nanoTime() - start,
            request.getHeader(Gateway.TRACEPARENT),
            request.getRemoteAddr()));
  }
}
