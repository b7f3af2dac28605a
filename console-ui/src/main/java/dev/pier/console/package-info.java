/**
 * The Pier executable: {@link dev.pier.console.PierApplication} assembles the control plane (and,
 * with the console capability, the Vaadin console over its application services) into {@code
 * console-ui/target/pier.jar}.
 */
package dev.pier.console;
