-- The model registry: named models and their immutable versions.
--
-- Names follow the serving runtime's rule for model names, because model and endpoint names
-- travel to runtimes unchanged. The application checks every rule first and reports it per
-- field; the constraints here keep the data right whatever writes it.

CREATE TABLE model (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         varchar(128)  NOT NULL,
    description  varchar(4000) NOT NULL DEFAULT '',
    owner        varchar(256)  NOT NULL,
    created_at   timestamptz   NOT NULL,
    updated_at   timestamptz   NOT NULL,
    -- Optimistic lock: every update increments it; clients send it back in If-Match.
    lock_version bigint        NOT NULL DEFAULT 0,
    CONSTRAINT model_name_unique UNIQUE (name),
    CONSTRAINT model_name_format CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$')
);

CREATE TABLE model_tag (
    model_id bigint      NOT NULL REFERENCES model (id) ON DELETE CASCADE,
    tag      varchar(64) NOT NULL,
    PRIMARY KEY (model_id, tag)
);

CREATE INDEX model_tag_by_tag ON model_tag (tag);

CREATE TABLE model_version (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- No cascade: a model that has versions cannot be deleted.
    model_id        bigint       NOT NULL REFERENCES model (id),
    number          integer      NOT NULL,
    -- The artifact, by content: the artifact store's key.
    sha256          varchar(64)  NOT NULL,
    size_bytes      bigint       NOT NULL,
    -- Read from the ONNX file: [{"name": ..., "datatype": "FP32", "shape": [-1, 4]}, ...].
    inputs          jsonb        NOT NULL,
    outputs         jsonb        NOT NULL,
    -- The model's own key/value metadata (e.g. pier.labels), and the labels parsed from it.
    custom_metadata jsonb        NOT NULL,
    labels          jsonb        NOT NULL,
    -- Lineage, given by whoever registers the version.
    training_data   varchar(2048),
    code_commit     varchar(256),
    metrics         jsonb        NOT NULL,
    metadata        jsonb        NOT NULL,
    created_at      timestamptz  NOT NULL,
    created_by      varchar(256) NOT NULL,
    CONSTRAINT model_version_number_unique UNIQUE (model_id, number),
    CONSTRAINT model_version_number_positive CHECK (number > 0),
    CONSTRAINT model_version_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT model_version_size_positive CHECK (size_bytes > 0),
    CONSTRAINT model_version_inputs_array CHECK (jsonb_typeof(inputs) = 'array'),
    CONSTRAINT model_version_outputs_array CHECK (jsonb_typeof(outputs) = 'array'),
    CONSTRAINT model_version_custom_metadata_object CHECK (jsonb_typeof(custom_metadata) = 'object'),
    CONSTRAINT model_version_labels_array CHECK (jsonb_typeof(labels) = 'array'),
    CONSTRAINT model_version_metrics_object CHECK (jsonb_typeof(metrics) = 'object'),
    CONSTRAINT model_version_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
);

-- "Which versions use this artifact?" (deduplication, and later garbage collection).
CREATE INDEX model_version_by_sha256 ON model_version (sha256);

-- A version is what a deployment, an audit record and a rollback point at: it never changes.
CREATE FUNCTION model_version_immutable() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'model versions are immutable (model_version id %)', OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER model_version_no_update
    BEFORE UPDATE ON model_version
    FOR EACH ROW EXECUTE FUNCTION model_version_immutable();
