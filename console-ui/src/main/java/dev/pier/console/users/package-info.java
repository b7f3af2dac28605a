/** The console's user management, for administrators. */
package dev.pier.console.users;
