/**
 * Flyway SQL migrations for the control plane's PostgreSQL schema, under {@code db/migration}
 * (Flyway's default location). The control plane runs them at start and Hibernate validates its
 * mapping against the result; nothing else writes the schema. Migrations are append-only: a
 * released {@code V<n>__*.sql} never changes, a change is a new file.
 */
package dev.pier.migrations;
