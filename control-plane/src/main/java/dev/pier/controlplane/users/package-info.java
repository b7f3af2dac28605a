/**
 * Local users of the embedded default: accounts with bcrypt-hashed passwords and roles, the first
 * administrator created at first start with a one-time password, password changes and user
 * management for administrators ({@link dev.pier.controlplane.users.UserService}, REST under {@code
 * /api/v1/users} and {@code /api/v1/me}). Users of an OIDC provider are not stored here.
 */
package dev.pier.controlplane.users;
