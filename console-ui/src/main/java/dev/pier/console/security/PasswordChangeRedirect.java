package dev.pier.console.security;

import dev.pier.controlplane.security.PierPrincipal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sends a user who signed in with a one-time password to {@code /change-password} whatever page
 * they load, the page they land on after signing in included: the services refuse them everything
 * else anyway, so the console does not offer it. Only page loads are redirected; Vaadin's own
 * requests and the sign-in and sign-out endpoints pass.
 */
final class PasswordChangeRedirect extends OncePerRequestFilter {
  static final String PATH = "/change-password";

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (mustChangePassword() && isPageLoad(request)) {
      response.sendRedirect(request.getContextPath() + PATH);
      return;
    }
    chain.doFilter(request, response);
  }

  private static boolean mustChangePassword() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    return authentication != null
        && authentication.getPrincipal() instanceof PierPrincipal principal
        && principal.passwordChangeRequired();
  }

  private static boolean isPageLoad(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return "GET".equals(request.getMethod())
        && request.getParameter("v-r") == null
        && !path.equals(PATH)
        && !path.startsWith("/login")
        && !path.startsWith("/logout")
        && !path.startsWith("/VAADIN/")
        && !path.contains(".");
  }
}
