-- Rollouts: an endpoint's traffic policy beside its stable version, and the history of every step.
--
-- The stable target is the endpoint's version (version_number, served as active_version). A canary
-- is another version of the same model that receives canary_weight_bp / 10000 of the requests once
-- all its placements are ready; with sticky_header set, the value of that request header decides
-- the variant (hashed), so one caller stays on one variant. A shadow version receives a copy of
-- shadow_percent % of the requests (answers recorded, never returned); the fallback version answers
-- when the primary fails. Progressive delivery raises the canary's weight step by step
-- (progressive_steps_bp, one step per progressive_interval_ms) while its error rate and p99 latency
-- stay within the SLO, and rolls it back when they do not.

ALTER TABLE endpoint
    ADD COLUMN canary_version            integer,
    ADD COLUMN canary_weight_bp          integer      NOT NULL DEFAULT 0,
    ADD COLUMN sticky_header             varchar(128),
    ADD COLUMN shadow_version            integer,
    ADD COLUMN shadow_percent            integer      NOT NULL DEFAULT 0,
    ADD COLUMN fallback_version          integer,
    ADD COLUMN progressive_steps_bp      varchar(256),
    ADD COLUMN progressive_interval_ms   bigint,
    ADD COLUMN slo_max_error_rate        double precision,
    ADD COLUMN slo_max_p99_ms            bigint,
    ADD COLUMN progressive_step          integer,
    ADD COLUMN progressive_step_at       timestamptz,
    ADD CONSTRAINT endpoint_canary_weight_range CHECK (canary_weight_bp BETWEEN 0 AND 10000),
    ADD CONSTRAINT endpoint_canary_version_positive CHECK (canary_version >= 1),
    ADD CONSTRAINT endpoint_shadow_percent_range CHECK (shadow_percent BETWEEN 0 AND 100),
    ADD CONSTRAINT endpoint_shadow_version_positive CHECK (shadow_version >= 1),
    ADD CONSTRAINT endpoint_fallback_version_positive CHECK (fallback_version >= 1);

-- Every rollout step of every endpoint, kept for good: who, when, why, and the policy before and
-- after (stable version, canary version and weight), which is where a rollback finds the previous
-- stable version.
CREATE TABLE rollout_event (
    id                  bigserial     PRIMARY KEY,
    endpoint_name       varchar(128)  NOT NULL,
    action              varchar(32)   NOT NULL,
    actor               varchar(256)  NOT NULL,
    reason              varchar(2048),
    stable_before       integer,
    stable_after        integer       NOT NULL,
    canary_before       integer,
    canary_after        integer,
    weight_before_bp    integer       NOT NULL,
    weight_after_bp     integer       NOT NULL,
    created_at          timestamptz   NOT NULL
);

CREATE INDEX rollout_event_endpoint ON rollout_event (endpoint_name, id);
