package dev.pier.controlplane.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What a caller may do. Roles build on each other: each includes the roles it {@linkplain
 * #includes() names}, so a user is given the one or few roles that describe their job.
 *
 * <ul>
 *   <li>{@link #VIEWER}: read models, endpoints, servers and rollouts;
 *   <li>{@link #ANALYST}: also infer and read explanations;
 *   <li>{@link #DATA_SCIENTIST}: also register models, create and deploy endpoints, start canaries;
 *   <li>{@link #OPERATOR}: also promote and roll back, manage servers;
 *   <li>{@link #AUDITOR}: read (no inference) and read the audit log;
 *   <li>{@link #ADMIN}: everything, including users, tokens and settings.
 * </ul>
 */
public enum Role {
  VIEWER,
  ANALYST(VIEWER),
  DATA_SCIENTIST(ANALYST),
  OPERATOR(ANALYST),
  AUDITOR(VIEWER),
  ADMIN(DATA_SCIENTIST, OPERATOR, AUDITOR);

  /** The Spring Security authority prefix of roles, as {@code hasRole} expects. */
  public static final String AUTHORITY_PREFIX = "ROLE_";

  private final Set<Role> direct;

  Role(Role... includes) {
    this.direct = includes.length == 0 ? Set.of() : Set.of(includes);
  }

  /** The roles this one grants directly (not transitively). */
  public Set<Role> includes() {
    return direct;
  }

  /** This role and every role it includes, transitively. */
  public Set<Role> granted() {
    EnumSet<Role> all = EnumSet.of(this);
    for (Role included : direct) {
      all.addAll(included.granted());
    }
    return all;
  }

  /** Whether a caller holding this role may do what {@code required} allows. */
  public boolean grants(Role required) {
    return granted().contains(required);
  }

  /** {@code ROLE_DATA_SCIENTIST}. */
  public String authority() {
    return AUTHORITY_PREFIX + name();
  }

  /** Whether any of {@code held} grants {@code required}. */
  public static boolean anyGrants(Set<Role> held, Role required) {
    for (Role role : held) {
      if (role.grants(required)) {
        return true;
      }
    }
    return false;
  }

  /** Every role that {@code held} grants, transitively. */
  public static Set<Role> expand(Set<Role> held) {
    EnumSet<Role> all = EnumSet.noneOf(Role.class);
    held.forEach(role -> all.addAll(role.granted()));
    return all;
  }

  /** Roles as the database keeps them: names, sorted, comma-separated ({@code ADMIN,VIEWER}). */
  public static String join(Set<Role> roles) {
    StringJoiner names = new StringJoiner(",");
    roles.stream().map(Role::name).sorted().forEach(names::add);
    return names.toString();
  }

  /** The roles of a {@link #join} text; names no longer known are skipped, null gives none. */
  public static EnumSet<Role> split(String text) {
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    if (text != null && !text.isEmpty()) {
      for (String name : text.split(",")) {
        parse(name).ifPresent(roles::add);
      }
    }
    return roles;
  }

  /** The role named {@code text} ({@code data_scientist}, {@code DATA-SCIENTIST}, ...), if any. */
  public static Optional<Role> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String name = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    if (name.startsWith(AUTHORITY_PREFIX)) {
      name = name.substring(AUTHORITY_PREFIX.length());
    }
    for (Role role : values()) {
      if (role.name().equals(name)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
