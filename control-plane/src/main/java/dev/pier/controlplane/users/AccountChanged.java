package dev.pier.controlplane.users;

/** A local user's roles, password or account changed, or the user was deleted. */
public record AccountChanged(String username) {}
