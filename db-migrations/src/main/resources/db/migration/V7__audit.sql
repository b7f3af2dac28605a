-- Audit trail: admin events and inference records (one row per instance of a batched request).
--
-- Rows are written only by the audit dispatcher, sealed: each belongs to a stream and has the next
-- sequence number of that stream and a SHA-256 hash chaining it to the previous row of the stream
-- (optionally an HMAC signature). The hash covers every value of the row except search_terms, so
-- values are stored exactly as written: payloads are text (not jsonb, which would reformat them)
-- and recorded_at keeps microseconds. A row is never updated; rows are deleted only by retention.
--
-- Writes are idempotent on id (INSERT ... ON CONFLICT DO NOTHING), so a batch written again after
-- a timeout or a crash stores each record once. (stream, sequence) is deliberately not unique: a
-- second record with a sequence already taken is kept, and chain verification reports it.

CREATE TABLE audit_record (
    -- "C" collation: ids and streams sort by their bytes, as Elasticsearch sorts keywords
    id               text          COLLATE "C" PRIMARY KEY,
    stream           text          COLLATE "C" NOT NULL,
    sequence         bigint        NOT NULL,
    recorded_at      timestamptz   NOT NULL,
    kind             varchar(16)   NOT NULL,
    -- the admin user, or the caller of an inference
    actor            text,
    -- an admin action, or 'infer'
    action           text          NOT NULL,
    -- the object an admin changed, or the target (model or graph) an inference was routed to
    target           text,
    version          text,
    endpoint         text,
    request_id       text,
    trace_id         text,
    source_address   text,
    outcome          varchar(16)   NOT NULL,
    status           integer       NOT NULL,
    latency_nanos    bigint,
    -- JSON text, verbatim
    before_state     text,
    after_state      text,
    inputs           text,
    outputs          text,
    error            text,
    canary           boolean       NOT NULL,
    shadow           boolean       NOT NULL,
    fallback         boolean       NOT NULL,
    instance_index   integer       NOT NULL,
    instance_count   integer       NOT NULL,
    -- 'name=value' per business key, for exact search
    business_keys    text[]        NOT NULL,
    -- the words free-text search matches (dev.pier.audit.SearchTerms), lower case
    search_terms     text[]        NOT NULL,
    previous_hash    varchar(64)   NOT NULL,
    hash             varchar(64)   NOT NULL,
    signature        varchar(64),
    CONSTRAINT audit_record_kind CHECK (kind IN ('ADMIN', 'INFERENCE')),
    CONSTRAINT audit_record_outcome CHECK (outcome IN ('SUCCESS', 'FAILURE')),
    CONSTRAINT audit_record_sequence_positive CHECK (sequence >= 1),
    CONSTRAINT audit_record_instance CHECK (instance_index >= 0 AND instance_index < instance_count)
);

-- Chain verification and the dispatcher's recovery read a stream in sequence order.
CREATE INDEX audit_record_chain ON audit_record (stream, sequence, id);
-- Every query is ordered by (recorded_at, id) and pages by keyset on it.
CREATE INDEX audit_record_time ON audit_record (recorded_at, id);
CREATE INDEX audit_record_endpoint ON audit_record (endpoint, recorded_at, id);
CREATE INDEX audit_record_actor ON audit_record (actor, recorded_at, id);
CREATE INDEX audit_record_action ON audit_record (action, recorded_at, id);
CREATE INDEX audit_record_request ON audit_record (request_id);
CREATE INDEX audit_record_business_keys ON audit_record USING gin (business_keys);
CREATE INDEX audit_record_search_terms ON audit_record USING gin (search_terms);
