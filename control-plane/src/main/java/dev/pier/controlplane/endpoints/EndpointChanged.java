package dev.pier.controlplane.endpoints;

/** An endpoint was created, changed or deleted (published after the change is made). */
public record EndpointChanged(String name) {}
