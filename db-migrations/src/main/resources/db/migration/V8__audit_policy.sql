-- What an endpoint's inferences leave in the audit trail; endpoints without a row use
-- pier.audit.default-policy. Kept apart from "endpoint" so a policy outlives nothing it should not:
-- it is deleted with its endpoint.
CREATE TABLE audit_policy (
    endpoint            varchar(128) PRIMARY KEY REFERENCES endpoint (name) ON DELETE CASCADE,
    sample_percent      double precision NOT NULL CHECK (sample_percent >= 0 AND sample_percent <= 100),
    capture_payload     boolean NOT NULL,
    redacted_fields     text[] NOT NULL DEFAULT '{}',
    business_key_fields text[] NOT NULL DEFAULT '{}',
    updated_at          timestamptz NOT NULL,
    updated_by          varchar(256) NOT NULL
);
