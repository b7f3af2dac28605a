-- Runtime servers: serving-runtime processes that registered with the control plane.
--
-- A runtime registers under a name that stays the same across its restarts; registering again
-- under the same name replaces its addresses and keeps its id, so placements that point at the id
-- survive a restart. Heartbeats keep it READY; without them for pier.runtimes.lost-after it is LOST.

CREATE TABLE runtime_server (
    id                    uuid          PRIMARY KEY,
    name                  varchar(128)  NOT NULL,
    rest_url              varchar(2048) NOT NULL,
    grpc_target           varchar(512)  NOT NULL,
    metrics_url           varchar(2048) NOT NULL,
    -- ["onnx", "cpu", ...]
    capabilities          jsonb         NOT NULL,
    memory_capacity_bytes bigint        NOT NULL,
    version               varchar(128)  NOT NULL,
    state                 varchar(16)   NOT NULL,
    -- The latest heartbeat's report; null until the first heartbeat after a registration.
    last_heartbeat_at     timestamptz,
    in_flight_requests    integer       NOT NULL DEFAULT 0,
    memory_used_bytes     bigint        NOT NULL DEFAULT 0,
    -- [{"name": "iris", "version": "1", "state": "READY", "reason": "..."}, ...]
    loaded_models         jsonb         NOT NULL DEFAULT '[]',
    -- The latest registration (a restart registers again).
    registered_at         timestamptz   NOT NULL,
    updated_at            timestamptz   NOT NULL,
    CONSTRAINT runtime_server_name_unique UNIQUE (name),
    CONSTRAINT runtime_server_name_format CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
    CONSTRAINT runtime_server_state CHECK (state IN ('REGISTERED', 'READY', 'LOST')),
    CONSTRAINT runtime_server_capacity_not_negative CHECK (memory_capacity_bytes >= 0),
    CONSTRAINT runtime_server_in_flight_not_negative CHECK (in_flight_requests >= 0),
    CONSTRAINT runtime_server_memory_used_not_negative CHECK (memory_used_bytes >= 0),
    CONSTRAINT runtime_server_capabilities_array CHECK (jsonb_typeof(capabilities) = 'array'),
    CONSTRAINT runtime_server_loaded_models_array CHECK (jsonb_typeof(loaded_models) = 'array')
);
