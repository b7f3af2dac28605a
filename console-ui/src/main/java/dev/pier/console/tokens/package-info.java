/** The console's page for a user's own API tokens. */
package dev.pier.console.tokens;
