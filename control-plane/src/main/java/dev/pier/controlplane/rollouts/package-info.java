/**
 * Rollouts: canary, shadow and fallback targets of an endpoint, the one-call actions that change
 * them (start a canary, change its weight, promote, roll back, abort), progressive delivery gated
 * by SLOs, and the live comparison of stable and canary. The endpoint row holds the policy and
 * {@link dev.pier.controlplane.endpoints.EndpointHistory} every step; the scheduler places the
 * targets and routes to each only once it is ready.
 */
package dev.pier.controlplane.rollouts;
