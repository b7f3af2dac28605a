package dev.pier.controlplane.endpoints;

import dev.pier.controlplane.security.PierPrincipal;
import dev.pier.controlplane.security.Role;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Who may use an endpoint through the gateway: reading its metadata needs VIEWER, inference needs
 * ANALYST or, when the endpoint names {@code inferenceRoles}, one of those; an endpoint-scoped
 * token only its endpoints. Asked on every gateway request, so each endpoint's roles are remembered
 * and forgotten when the endpoint changes.
 */
@Component
public class EndpointAccess {
  private final EndpointService endpoints;
  private final ConcurrentHashMap<String, Set<Role>> inferenceRoles = new ConcurrentHashMap<>();

  EndpointAccess(EndpointService endpoints) {
    this.endpoints = endpoints;
  }

  /** Why {@code caller} may not use {@code endpoint} this way, or empty when it may. */
  public Optional<String> refusal(PierPrincipal caller, String endpoint, boolean infer) {
    if (caller.passwordChangeRequired()) {
      return Optional.of("replace the one-time password first (POST /api/v1/me/password)");
    }
    if (!caller.mayUse(endpoint)) {
      return Optional.of("this token is limited to the endpoints " + caller.endpoints());
    }
    if (!infer) {
      return caller.has(Role.VIEWER)
          ? Optional.empty()
          : Optional.of("reading an endpoint needs the role VIEWER");
    }
    Set<Role> allowed = inferenceRoles.get(endpoint);
    if (allowed == null) {
      Optional<EndpointView> found = endpoints.find(endpoint);
      allowed = found.map(EndpointView::inferenceRoles).orElse(Set.of());
      if (found.isPresent()) {
        inferenceRoles.put(endpoint, allowed); // unknown names are not kept: they are unbounded
      }
    }
    if (allowed.isEmpty()) {
      return caller.has(Role.ANALYST)
          ? Optional.empty()
          : Optional.of(
              "inference needs the role ANALYST or one that includes it ("
                  + caller.name()
                  + " holds "
                  + caller.roles()
                  + ")");
    }
    for (Role role : allowed) {
      if (caller.has(role)) {
        return Optional.empty();
      }
    }
    return Optional.of(
        "inference on endpoint '" + endpoint + "' is restricted to the roles " + allowed);
  }

  @TransactionalEventListener(fallbackExecution = true)
  void endpointChanged(EndpointChanged changed) {
    inferenceRoles.remove(changed.name());
  }
}
