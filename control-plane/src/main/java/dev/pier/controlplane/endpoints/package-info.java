/**
 * Endpoints: the stable names clients call, each pointing at a model version with a replica count
 * and a timeout. {@link dev.pier.controlplane.endpoints.EndpointService} is the application service
 * (REST API and console); it only records what is wanted and publishes {@link
 * dev.pier.controlplane.endpoints.EndpointChanged}. Placing versions on runtimes and moving the
 * active version is the scheduler's job, serving requests the gateway's.
 */
package dev.pier.controlplane.endpoints;
