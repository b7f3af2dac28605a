package dev.pier.controlplane.security;

import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.PATCH;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The REST API's access rules: the role each operation needs, checked before the request body is
 * read (so a caller who may not do something learns nothing from validation messages). The
 * application services check the same roles again with {@code @PreAuthorize}, which is what keeps
 * the console, which calls them directly, in line. A path without a rule is open only to signed-in
 * callers (so unknown paths get their 404 or 405), and the authorisation matrix test, generated
 * from the OpenAPI document, fails for any operation without a rule.
 */
public final class ApiAccess {
  /** The path variable that names the endpoint an endpoint-scoped token must be scoped to. */
  static final String ENDPOINT = "endpoint";

  /**
   * One rule.
   *
   * @param role the role needed; {@code null} for any signed-in caller, even one who must change
   *     their password first (the only way out is allowed)
   */
  public record Rule(HttpMethod method, String pattern, Role role) {
    /** Whether the pattern names the endpoint the operation is about. */
    boolean aboutAnEndpoint() {
      return pattern.contains("{" + ENDPOINT + "}");
    }
  }

  /** A rule with its matcher, built once. */
  record Compiled(Rule rule, PathPatternRequestMatcher matcher) {
    /** The endpoint the request is about, for rules whose pattern names one. */
    Optional<String> endpointOf(HttpServletRequest request) {
      if (!rule.aboutAnEndpoint()) {
        return Optional.empty();
      }
      return Optional.ofNullable(matcher.matcher(request).getVariables().get(ENDPOINT));
    }
  }

  static final List<Rule> RULES =
      List.of(
          new Rule(GET, "/api/v1/me", null),
          new Rule(POST, "/api/v1/me/password", null),
          // Registry.
          new Rule(GET, "/api/v1/models", Role.VIEWER),
          new Rule(POST, "/api/v1/models", Role.DATA_SCIENTIST),
          new Rule(GET, "/api/v1/models/{name}", Role.VIEWER),
          new Rule(PATCH, "/api/v1/models/{name}", Role.DATA_SCIENTIST),
          new Rule(DELETE, "/api/v1/models/{name}", Role.DATA_SCIENTIST),
          new Rule(GET, "/api/v1/models/{name}/versions", Role.VIEWER),
          new Rule(POST, "/api/v1/models/{name}/versions", Role.DATA_SCIENTIST),
          new Rule(GET, "/api/v1/models/{name}/versions/{number}", Role.VIEWER),
          new Rule(GET, "/api/v1/models/{name}/versions/{number}/artifact", Role.VIEWER),
          // Endpoints and rollouts.
          new Rule(GET, "/api/v1/endpoints", Role.VIEWER),
          new Rule(POST, "/api/v1/endpoints", Role.DATA_SCIENTIST),
          new Rule(GET, "/api/v1/endpoints/{endpoint}", Role.VIEWER),
          new Rule(PUT, "/api/v1/endpoints/{endpoint}", Role.DATA_SCIENTIST),
          new Rule(PATCH, "/api/v1/endpoints/{endpoint}", Role.DATA_SCIENTIST),
          new Rule(DELETE, "/api/v1/endpoints/{endpoint}", Role.DATA_SCIENTIST),
          new Rule(GET, "/api/v1/endpoints/{endpoint}/placements", Role.VIEWER),
          new Rule(GET, "/api/v1/endpoints/{endpoint}/rollout", Role.VIEWER),
          new Rule(GET, "/api/v1/endpoints/{endpoint}/rollout/comparison", Role.VIEWER),
          new Rule(GET, "/api/v1/endpoints/{endpoint}/rollout/history", Role.VIEWER),
          new Rule(POST, "/api/v1/endpoints/{endpoint}/rollout/canary", Role.DATA_SCIENTIST),
          new Rule(PUT, "/api/v1/endpoints/{endpoint}/rollout/canary/weight", Role.DATA_SCIENTIST),
          new Rule(POST, "/api/v1/endpoints/{endpoint}/rollout/abort", Role.DATA_SCIENTIST),
          new Rule(PUT, "/api/v1/endpoints/{endpoint}/rollout/shadow", Role.DATA_SCIENTIST),
          new Rule(PUT, "/api/v1/endpoints/{endpoint}/rollout/fallback", Role.DATA_SCIENTIST),
          new Rule(POST, "/api/v1/endpoints/{endpoint}/rollout/promote", Role.OPERATOR),
          new Rule(POST, "/api/v1/endpoints/{endpoint}/rollout/rollback", Role.OPERATOR),
          new Rule(GET, "/api/v1/endpoints/{endpoint}/audit-policy", Role.VIEWER),
          new Rule(PUT, "/api/v1/endpoints/{endpoint}/audit-policy", Role.DATA_SCIENTIST),
          // Servers and placements.
          new Rule(GET, "/api/v1/servers", Role.VIEWER),
          new Rule(GET, "/api/v1/servers/{id}", Role.VIEWER),
          new Rule(GET, "/api/v1/placements", Role.VIEWER),
          // Users, tokens, audit.
          new Rule(GET, "/api/v1/users", Role.ADMIN),
          new Rule(POST, "/api/v1/users", Role.ADMIN),
          new Rule(GET, "/api/v1/users/{username}", Role.ADMIN),
          new Rule(PATCH, "/api/v1/users/{username}", Role.ADMIN),
          new Rule(DELETE, "/api/v1/users/{username}", Role.ADMIN),
          new Rule(POST, "/api/v1/users/{username}/password-reset", Role.ADMIN),
          new Rule(GET, "/api/v1/tokens", Role.VIEWER),
          new Rule(POST, "/api/v1/tokens", Role.VIEWER),
          new Rule(DELETE, "/api/v1/tokens/{id}", Role.VIEWER),
          new Rule(GET, "/api/v1/admin-events", Role.AUDITOR),
          new Rule(GET, "/api/v1/audit/records", Role.AUDITOR),
          new Rule(GET, "/api/v1/audit/verify", Role.AUDITOR),
          new Rule(GET, "/api/v1/audit/export", Role.AUDITOR),
          new Rule(GET, "/api/v1/audit/status", Role.AUDITOR));

  static final List<Compiled> COMPILED =
      RULES.stream()
          .map(
              rule ->
                  new Compiled(
                      rule,
                      PathPatternRequestMatcher.withDefaults()
                          .matcher(rule.method(), rule.pattern())))
          .toList();

  private ApiAccess() {}

  /** Every rule, in the order they are tried. */
  public static List<Rule> rules() {
    return RULES;
  }

  /** The rule for a request, if any. */
  static Optional<Compiled> ruleFor(HttpServletRequest request) {
    return COMPILED.stream().filter(rule -> rule.matcher().matches(request)).findFirst();
  }
}
