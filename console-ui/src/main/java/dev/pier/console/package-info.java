/** Vaadin console over the control plane's application services. */
package dev.pier.console;
