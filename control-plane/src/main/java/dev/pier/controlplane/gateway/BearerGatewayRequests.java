package dev.pier.controlplane.gateway;

import dev.pier.controlplane.security.GatewayCredentials;
import dev.pier.controlplane.security.PierPrincipal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Gateway requests whose bearer credentials the gateway checks itself go straight to its servlet,
 * past the rest of the servlet filter chain. On a gateway request that chain (Spring's request
 * filters, then Spring Security's) cost more CPU than the forward to the runtime; the check here is
 * the one gRPC calls get ({@link GatewayCredentials}: API tokens and OIDC access tokens, cached).
 *
 * <p>A request is taken only when the chain would have let the same caller through without changing
 * the request or its answer. Everything else takes the chain as before:
 *
 * <ul>
 *   <li>no credentials, or credentials that are not valid (401, put on record by {@link
 *       RefusedInferences}), HTTP Basic, a runtime's token;
 *   <li>a local user who must change their one-time password first (403);
 *   <li>requests with an {@code Origin} header (CORS headers are the chain's);
 *   <li>paths other than plain {@code /v2/models/...} ones: percent-encoding, {@code ;}, empty or
 *       dot segments are for the chain's firewall to judge; health checks are open anyway.
 * </ul>
 */
final class BearerGatewayRequests extends HttpFilter {
  private static final long serialVersionUID = 1L;
  private static final String MODELS = "/v2/models/";

  private final transient GatewayCredentials credentials;
  private final transient GatewayServlet gateway;

  BearerGatewayRequests(GatewayCredentials credentials, GatewayServlet gateway) {
    this.credentials = credentials;
    this.gateway = gateway;
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<PierPrincipal> caller =
        request.getHeader("Origin") == null
                && isPlainModelPath(request.getRequestURI(), request.getContextPath().length())
            ? credentials
                .authenticate(request.getHeader("Authorization"))
                .filter(principal -> !principal.passwordChangeRequired())
            : Optional.empty();
    if (caller.isEmpty()) {
      chain.doFilter(request, response);
      return;
    }
    gateway.serve(request, response, caller);
  }

  /**
   * Whether the request URI, from {@code start} on, is {@code /v2/models/} followed by segments of
   * letters, digits, {@code -}, {@code _}, {@code ~} and {@code .} only, none empty or starting
   * with a dot.
   */
  static boolean isPlainModelPath(String uri, int start) {
    if (!uri.startsWith(MODELS, start)) {
      return false;
    }
    char previous = '/';
    for (int i = start + MODELS.length(); i < uri.length(); i++) {
      char c = uri.charAt(i);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '~'
              || (c == '.' && previous != '/')
              || (c == '/' && previous != '/');
      if (!plain) {
        return false;
      }
      previous = c;
    }
    return previous != '/';
  }
}
