/**
 * A certificate authority for tests: certificates and keys made by the JDK's {@code keytool} and
 * written as the PEM files Pier is configured with. Test scope only; nothing here ships.
 */
package dev.pier.testing.tls;
