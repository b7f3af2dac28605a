package dev.pier.controlplane.security;

import dev.pier.controlplane.error.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes refusals by the security filters (401, 403, 429) in the protocol of the path: RFC 9457
 * problem details under {@code /api/}, OIP {@code {"error": ...}} under {@code /v2}; the detail
 * says what is missing (credentials, which role, a password change), never why a secret was wrong.
 * Only {@code Bearer} is announced in {@code WWW-Authenticate}: a Basic challenge would make
 * browsers prompt for and then silently resend a password.
 */
@Component
public class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
      throws IOException {
    if (failure instanceof TooManySignInAttempts throttled) {
      response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(throttled.retryAfterSeconds()));
      write(request, response, ErrorCode.TOO_MANY_SIGN_IN_ATTEMPTS, throttled.getMessage());
      return;
    }
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"pier\"");
    boolean sentSomething = request.getHeader(HttpHeaders.AUTHORIZATION) != null;
    write(
        request,
        response,
        ErrorCode.UNAUTHENTICATED,
        sentSomething
            ? "the credentials are not valid (wrong, expired or revoked): send a live API token or"
                + " an OIDC access token as 'Authorization: Bearer ...', or a local user's"
                + " password with HTTP Basic"
            : "this needs credentials: an API token or an OIDC access token as 'Authorization:"
                + " Bearer ...', or a local user's password with HTTP Basic");
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    Optional<PierPrincipal> caller =
        Principals.of(SecurityContextHolder.getContext().getAuthentication());
    if (caller.isPresent() && caller.get().passwordChangeRequired()) {
      write(
          request,
          response,
          ErrorCode.PASSWORD_CHANGE_REQUIRED,
          "sign in to the console, or POST /api/v1/me/password, to replace the one-time password"
              + " first");
      return;
    }
    write(request, response, ErrorCode.ACCESS_DENIED, deniedDetail(request, caller));
  }

  /** Why an operation was refused, naming the role it needs and what the caller holds. */
  static String deniedDetail(HttpServletRequest request, Optional<PierPrincipal> caller) {
    String operation = request.getMethod() + " " + request.getRequestURI();
    Optional<ApiAccess.Compiled> rule = ApiAccess.ruleFor(request);
    if (rule.isEmpty()) {
      return operation + " is not an operation of the API";
    }
    String holds =
        caller
            .map(principal -> " (" + principal.name() + " holds " + principal.roles() + ")")
            .orElse("");
    Optional<String> endpoint = rule.get().endpointOf(request);
    if (caller.isPresent() && endpoint.isPresent() && !caller.get().mayUse(endpoint.get())) {
      return "this token is limited to the endpoints " + caller.get().endpoints();
    }
    if (caller.isPresent() && caller.get().endpoints() != null && endpoint.isEmpty()) {
      return "this token is limited to the endpoints "
          + caller.get().endpoints()
          + " and cannot use "
          + operation;
    }
    return operation
        + " needs the role "
        + rule.get().rule().role()
        + " or one that includes it"
        + holds;
  }

  /** Writes one refusal. */
  static void write(
      HttpServletRequest request, HttpServletResponse response, ErrorCode code, String detail)
      throws IOException {
    int status =
        switch (code.category()) {
          case UNAUTHENTICATED -> 401;
          case FORBIDDEN -> 403;
          case TOO_MANY_REQUESTS -> 429;
          default -> throw new IllegalArgumentException("not a security refusal: " + code);
        };
    response.setStatus(status);
    String path = request.getRequestURI();
    if (path.equals("/v2") || path.startsWith("/v2/")) {
      response.setContentType("application/json");
      JSON.writeValue(response.getOutputStream(), Map.of("error", detail));
      return;
    }
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "urn:pier:problem:" + code.slug());
    problem.put("title", code.title());
    problem.put("status", status);
    problem.put("detail", detail);
    problem.put("instance", path);
    problem.put("code", code.name());
    response.setContentType("application/problem+json");
    JSON.writeValue(response.getOutputStream(), problem);
  }
}
