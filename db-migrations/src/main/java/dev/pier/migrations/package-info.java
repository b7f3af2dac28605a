/**
 * Flyway SQL migrations for the control plane's PostgreSQL schema; the control plane validates its
 * schema against them.
 */
package dev.pier.migrations;
