package dev.pier.controlplane.registry;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * A named family of versions. Mutable (description, owner, tags) under an optimistic lock; its
 * versions are separate rows that never change.
 */
@Entity
@Table(name = "model")
class Model {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "name", nullable = false, updatable = false, length = 128)
  private String name;

  @Column(name = "description", nullable = false, length = Limits.DESCRIPTION_LENGTH)
  private String description;

  @Column(name = "owner", nullable = false, length = 256)
  private String owner;

  @ElementCollection
  @CollectionTable(name = "model_tag", joinColumns = @JoinColumn(name = "model_id"))
  @Column(name = "tag", nullable = false, length = 64)
  private Set<String> tags = new HashSet<>();

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  @Version
  @Column(name = "lock_version", nullable = false)
  private long lockVersion;

  protected Model() {
    // for JPA
  }

  Model(ModelName name, String description, String owner, Collection<String> tags, Instant now) {
    this.name = name.value();
    this.description = description;
    this.owner = owner;
    this.tags.addAll(tags);
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** Applies the fields that are set; returns whether anything changed. */
  boolean apply(ModelChanges changes, Instant now) {
    boolean changed = false;
    if (changes.description() != null && !changes.description().equals(description)) {
      description = changes.description();
      changed = true;
    }
    if (changes.owner() != null && !changes.owner().equals(owner)) {
      owner = changes.owner();
      changed = true;
    }
    if (changes.tags() != null && !Set.copyOf(changes.tags()).equals(tags)) {
      tags.clear();
      tags.addAll(changes.tags());
      changed = true;
    }
    if (changed) {
      updatedAt = now;
    }
    return changed;
  }

  Long id() {
    return id;
  }

  ModelName name() {
    return new ModelName(name);
  }

  long lockVersion() {
    return lockVersion;
  }

  ModelView view(Integer latestVersion) {
    return new ModelView(
        name,
        description,
        owner,
        tags.stream().sorted().toList(),
        latestVersion,
        createdAt,
        updatedAt,
        lockVersion);
  }
}
