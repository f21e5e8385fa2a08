-- Issues 12 and 13: sender-constrained tokens (RFC 9449 §5.2, RFC 8705 §2 and §3.4), FAPI 2.0 Message Signing
-- and encrypted request objects (RFC 9101 §6.1, §10.5), rich authorization requests (RFC 9396 §10), client
-- secret rotation with overlap, disabled users, one-time password reset links, named admin tokens and the
-- admin audit log. Columns are added in the order schema.sql lists them.
ALTER TABLE clients ADD COLUMN previous_secret_hash TEXT;
ALTER TABLE clients ADD COLUMN previous_secret_sealed TEXT;
ALTER TABLE clients ADD COLUMN previous_secret_expires_at INTEGER;
ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens INTEGER;
ALTER TABLE clients ADD COLUMN tls_client_certificate_bound_access_tokens INTEGER;
ALTER TABLE clients ADD COLUMN tls_client_auth_subject_dn TEXT;
ALTER TABLE clients ADD COLUMN tls_client_auth_san_dns TEXT;
ALTER TABLE clients ADD COLUMN tls_client_auth_san_uri TEXT;
ALTER TABLE clients ADD COLUMN tls_client_auth_san_ip TEXT;
ALTER TABLE clients ADD COLUMN tls_client_auth_san_email TEXT;
ALTER TABLE clients ADD COLUMN require_signed_request_object INTEGER;
ALTER TABLE clients ADD COLUMN request_object_encryption_alg TEXT;
ALTER TABLE clients ADD COLUMN request_object_encryption_enc TEXT;
ALTER TABLE clients ADD COLUMN authorization_details_types TEXT;
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS password_resets (
  token_hash TEXT PRIMARY KEY,      -- base64url(SHA-256(token))
  sub TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX IF NOT EXISTS password_resets_sub ON password_resets (sub);

-- Named admin API tokens beside the ADMIN_TOKEN secret ("bootstrap"); stored hashed, deleted on revocation.
CREATE TABLE IF NOT EXISTS admin_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,  -- base64url(SHA-256(token)); the token is shown once
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL          -- the name of the admin token that created it
);

-- Audit log of admin API mutations: who (token id and name), what (method and route), on what, and the outcome.
-- Never request bodies or secrets.
CREATE TABLE IF NOT EXISTS admin_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,             -- e.g. "PATCH /admin/users/{sub}"
  target TEXT,                      -- the route's path parameters, e.g. the sub or client_id
  status INTEGER NOT NULL,          -- the HTTP status answered
  request_id TEXT
);
