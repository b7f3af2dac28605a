/**
 * Registry, artifact store, endpoints and rollouts, scheduler, drivers, gateway and REST API. Talks
 * to serving runtimes only over the Open Inference Protocol.
 */
package dev.pier.controlplane;
