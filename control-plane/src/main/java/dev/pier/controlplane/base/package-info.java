/**
 * Small values every feature shares and that belong to none: result pages, quoting of caller input
 * in messages. Depends on nothing else in the control plane.
 */
package dev.pier.controlplane.base;
