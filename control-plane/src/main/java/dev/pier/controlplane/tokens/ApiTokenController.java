package dev.pier.controlplane.tokens;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/tokens}: create (secret shown once), list and revoke API tokens. */
@RestController
@Tag(
    name = "API tokens",
    description = "Bearer tokens for automation, scoped to roles and endpoints")
class ApiTokenController {
  private final ApiTokenService tokens;

  ApiTokenController(ApiTokenService tokens) {
    this.tokens = tokens;
  }

  @PostMapping(
      path = "/api/v1/tokens",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create an API token for the caller; its secret is in this answer only")
  ResponseEntity<CreatedToken> create(@Valid @RequestBody NewToken token) {
    CreatedToken created = tokens.create(token);
    return ResponseEntity.created(URI.create("/api/v1/tokens/" + created.token().id()))
        .body(created);
  }

  @GetMapping(path = "/api/v1/tokens", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "List the caller's API tokens (all=true: everyone's, for admins)")
  List<TokenView> list(@RequestParam(defaultValue = "false") boolean all) {
    return tokens.list(all);
  }

  @DeleteMapping(path = "/api/v1/tokens/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Revoke an API token; it fails from now on")
  TokenView revoke(@PathVariable UUID id) {
    return tokens.revoke(id);
  }
}
