package dev.pier.controlplane.users;

/** A local user changed their own password (published after the change). */
public record PasswordChanged(String username) {}
