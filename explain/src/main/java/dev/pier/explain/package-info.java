/**
 * Drift, outlier and explanation algorithms over plain arrays and tensors. A plain library with no
 * Spring; arrives with the monitoring capability.
 */
package dev.pier.explain;
