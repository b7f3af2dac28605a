/**
 * A real OpenID Connect provider for tests of sign-in through OIDC, over the API and the console.
 */
package dev.pier.testing.oidc;
