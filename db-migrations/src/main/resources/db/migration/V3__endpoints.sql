-- Endpoints: the stable names clients call, and the placements of the model versions they need.
--
-- An endpoint names its desired model version (model_name, version_number); active_version is the
-- version the gateway routes to. The scheduler moves active_version to the desired version once
-- that version is READY on enough runtime servers, so a change of version never fails a request.

CREATE TABLE endpoint (
    id              uuid          PRIMARY KEY,
    name            varchar(128)  NOT NULL,
    model_name      varchar(128)  NOT NULL,
    version_number  integer       NOT NULL,
    -- null until the first desired version is ready somewhere
    active_version  integer,
    replicas        integer       NOT NULL,
    timeout_ms      bigint        NOT NULL,
    -- optimistic lock: every change through the API increments it
    revision        bigint        NOT NULL,
    created_at      timestamptz   NOT NULL,
    updated_at      timestamptz   NOT NULL,
    CONSTRAINT endpoint_name_unique UNIQUE (name),
    CONSTRAINT endpoint_name_format CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
    CONSTRAINT endpoint_version_positive CHECK (version_number >= 1),
    CONSTRAINT endpoint_replicas_range CHECK (replicas BETWEEN 1 AND 64),
    CONSTRAINT endpoint_timeout_positive CHECK (timeout_ms > 0)
);

-- One model version on one runtime server. Placements on a server that is no longer READY, or that
-- registered again since (a restarted process has lost its models), are dropped and made again.
CREATE TABLE placement (
    id                    uuid          PRIMARY KEY,
    model_name            varchar(128)  NOT NULL,
    version_number        integer       NOT NULL,
    server_id             uuid          NOT NULL REFERENCES runtime_server (id) ON DELETE CASCADE,
    -- the server's registration this placement was loaded into
    server_registered_at  timestamptz   NOT NULL,
    size_bytes            bigint        NOT NULL,
    state                 varchar(16)   NOT NULL,
    reason                varchar(2048),
    created_at            timestamptz   NOT NULL,
    updated_at            timestamptz   NOT NULL,
    CONSTRAINT placement_unique UNIQUE (model_name, version_number, server_id),
    CONSTRAINT placement_state CHECK (state IN ('LOADING', 'READY', 'FAILED'))
);
