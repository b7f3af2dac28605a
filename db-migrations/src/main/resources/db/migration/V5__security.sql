-- Security: local users, API tokens, who may infer on an endpoint, and the durable record of every
-- administrative action.

-- Local users of the embedded default (an OIDC provider's users are not stored here). Passwords
-- are kept only as adaptive hashes (bcrypt, with the algorithm's id in front: {bcrypt}...). A user
-- created with a one-time password (the first admin, or one an admin reset) must change it before
-- doing anything else.
CREATE TABLE pier_user (
    id                    uuid          PRIMARY KEY,
    username              varchar(64)   NOT NULL,
    display_name          varchar(256),
    password_hash         varchar(256)  NOT NULL,
    roles                 varchar(256)  NOT NULL,
    must_change_password  boolean       NOT NULL,
    enabled               boolean       NOT NULL,
    created_at            timestamptz   NOT NULL,
    created_by            varchar(256)  NOT NULL,
    updated_at            timestamptz   NOT NULL,
    last_sign_in_at       timestamptz,
    revision              bigint        NOT NULL,
    CONSTRAINT pier_user_username_unique UNIQUE (username)
);

-- API tokens for automation. The secret is shown once when created and kept only as its SHA-256
-- (it is 256 random bits, so a fast hash is safe; a slow one would cost every request). Roles are
-- at most the creator's; endpoints, when set, are the only ones the token may use. A local user's
-- token never grants more than its owner holds now, and stops working with its owner's account.
CREATE TABLE api_token (
    id             uuid          PRIMARY KEY,
    name           varchar(128)  NOT NULL,
    owner          varchar(256)  NOT NULL,
    owner_kind     varchar(16)   NOT NULL,
    prefix         varchar(32)   NOT NULL,
    secret_sha256  bytea         NOT NULL,
    roles          varchar(256)  NOT NULL,
    endpoints      varchar(4096),
    created_at     timestamptz   NOT NULL,
    expires_at     timestamptz,
    last_used_at   timestamptz,
    revoked_at     timestamptz,
    revoked_by     varchar(256),
    CONSTRAINT api_token_secret_unique UNIQUE (secret_sha256)
);

CREATE INDEX api_token_owner ON api_token (owner, created_at);

-- Which roles may infer on an endpoint (comma-separated role names); NULL means every caller who
-- holds ANALYST.
ALTER TABLE endpoint ADD COLUMN inference_roles varchar(256);

-- Every administrative action (create, change, delete, sign-in success and failure, token issued
-- or revoked, role change), written in the transaction of the change itself, so a change and its
-- record exist together or not at all. before/after are JSON snapshots of the target.
CREATE TABLE admin_event (
    id              bigserial      PRIMARY KEY,
    occurred_at     timestamptz    NOT NULL,
    actor           varchar(256)   NOT NULL,
    action          varchar(64)    NOT NULL,
    target_type     varchar(64)    NOT NULL,
    target          varchar(512)   NOT NULL,
    outcome         varchar(16)    NOT NULL,
    detail          varchar(2048),
    before_json     text,
    after_json      text,
    source_address  varchar(64)
);

CREATE INDEX admin_event_time ON admin_event (occurred_at);
CREATE INDEX admin_event_target ON admin_event (target_type, target, id);
