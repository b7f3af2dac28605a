/**
 * Signing in to the console: its Spring Security chain (sessions, CSRF, the sign-in form for local
 * users and, when configured, the OIDC provider's authorization code flow), the sign-in page, and
 * the forced change of a one-time password before anything else.
 */
package dev.pier.console.security;
