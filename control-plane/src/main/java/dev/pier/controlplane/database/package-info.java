/**
 * The control plane's database wiring. PostgreSQL is the only database: either external ({@code
 * spring.datasource.url}, for production) or the embedded default started here. The schema comes
 * from the db-migrations module (Flyway, at start); Hibernate validates against it and never writes
 * DDL.
 */
package dev.pier.controlplane.database;
