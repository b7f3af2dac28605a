/**
 * Identity of the caller. No authentication yet: {@link dev.pier.controlplane.security.CurrentUser}
 * is the one place features ask "who", so that the OAuth2 capability can plug in here (principal,
 * filter chain for {@code /api/**}, method security on the application services) without touching
 * them.
 */
package dev.pier.controlplane.security;
