/**
 * API tokens for automation: created by a user (shown once, stored as a SHA-256), scoped to roles
 * (at most the creator's) and optionally to endpoints, with expiry, last-used time and revocation
 * that takes effect at once ({@link dev.pier.controlplane.tokens.ApiTokenService}, REST under
 * {@code /api/v1/tokens}). Callers send them as {@code Authorization: Bearer pier_...}.
 */
package dev.pier.controlplane.tokens;
