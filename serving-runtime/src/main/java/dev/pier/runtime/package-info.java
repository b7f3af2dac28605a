/**
 * The serving runtime executable: typed settings and the process lifecycle that wires the model
 * server to the REST, gRPC and metrics endpoints.
 */
package dev.pier.runtime;
