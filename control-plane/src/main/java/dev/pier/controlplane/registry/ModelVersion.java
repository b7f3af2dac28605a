package dev.pier.controlplane.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One immutable version of a model: inserted once, never updated (Hibernate ignores changes to an
 * {@code @Immutable} entity, and a database trigger refuses UPDATEs from anywhere else).
 *
 * <p>The JSON columns hold the text {@link RegistryJson} writes; the entity does not interpret it.
 */
@Entity
@Immutable
@Table(name = "model_version")
class ModelVersion {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "model_id", nullable = false, updatable = false)
  private Model model;

  @Column(name = "number", nullable = false, updatable = false)
  private int number;

  @Column(name = "sha256", nullable = false, updatable = false, length = 64)
  private String sha256;

  @Column(name = "size_bytes", nullable = false, updatable = false)
  private long sizeBytes;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "inputs", nullable = false, updatable = false)
  private String inputs;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "outputs", nullable = false, updatable = false)
  private String outputs;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "custom_metadata", nullable = false, updatable = false)
  private String customMetadata;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "labels", nullable = false, updatable = false)
  private String labels;

  @Column(name = "training_data", updatable = false, length = Limits.TRAINING_DATA_LENGTH)
  private String trainingData;

  @Column(name = "code_commit", updatable = false, length = Limits.CODE_COMMIT_LENGTH)
  private String codeCommit;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "metrics", nullable = false, updatable = false)
  private String metrics;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "metadata", nullable = false, updatable = false)
  private String metadata;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  @Column(name = "created_by", nullable = false, updatable = false, length = 256)
  private String createdBy;

  protected ModelVersion() {
    // for JPA
  }

  /** The JSON-valued fields, already serialised. */
  record Json(
      String inputs,
      String outputs,
      String customMetadata,
      String labels,
      String metrics,
      String metadata) {}

  ModelVersion(
      Model model,
      int number,
      String sha256,
      long sizeBytes,
      Json json,
      String trainingData,
      String codeCommit,
      Instant createdAt,
      String createdBy) {
    this.model = model;
    this.number = number;
    this.sha256 = sha256;
    this.sizeBytes = sizeBytes;
    this.inputs = json.inputs();
    this.outputs = json.outputs();
    this.customMetadata = json.customMetadata();
    this.labels = json.labels();
    this.metrics = json.metrics();
    this.metadata = json.metadata();
    this.trainingData = trainingData;
    this.codeCommit = codeCommit;
    this.createdAt = createdAt;
    this.createdBy = createdBy;
  }

  int number() {
    return number;
  }

  String sha256() {
    return sha256;
  }

  long sizeBytes() {
    return sizeBytes;
  }

  Json json() {
    return new Json(inputs, outputs, customMetadata, labels, metrics, metadata);
  }

  String trainingData() {
    return trainingData;
  }

  String codeCommit() {
    return codeCommit;
  }

  Instant createdAt() {
    return createdAt;
  }

  String createdBy() {
    return createdBy;
  }
}
