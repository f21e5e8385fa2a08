-- Portcullis D1 schema: the complete current schema, idempotent (`wrangler d1 execute portcullis --file schema.sql`).
-- Databases are changed by the files in migrations/ (`wrangler d1 migrations apply`); a change here goes
-- into a new migrations/000N_what.sql too, and test/scripts/migrations.test.mjs checks that both agree.
-- Column names are the RFC 7591 / OpenID Connect Registration metadata names.
-- Arrays and objects are JSON text; booleans are 0/1.

CREATE TABLE IF NOT EXISTS clients (
  client_id TEXT PRIMARY KEY,
  client_id_issued_at INTEGER NOT NULL,
  client_secret_hash TEXT,          -- base64url(SHA-256(secret)); the secret itself is never stored in clear
  client_secret_sealed TEXT,        -- AES-GCM sealed secret, only for client_secret_jwt (needs CLIENT_SECRET_KEY)
  client_name TEXT,
  client_uri TEXT,
  logo_uri TEXT,
  policy_uri TEXT,
  tos_uri TEXT,
  contacts TEXT,
  application_type TEXT NOT NULL DEFAULT 'web',
  redirect_uris TEXT NOT NULL DEFAULT '[]',
  token_endpoint_auth_method TEXT NOT NULL,
  token_endpoint_auth_signing_alg TEXT,
  grant_types TEXT NOT NULL,
  response_types TEXT NOT NULL,
  scope TEXT,
  jwks TEXT,
  jwks_uri TEXT,
  require_pushed_authorization_requests INTEGER NOT NULL DEFAULT 0,
  request_object_signing_alg TEXT,
  authorization_signed_response_alg TEXT,
  authorization_encrypted_response_alg TEXT,
  authorization_encrypted_response_enc TEXT,
  id_token_signed_response_alg TEXT NOT NULL DEFAULT 'RS256',
  post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]',
  frontchannel_logout_uri TEXT,
  frontchannel_logout_session_required INTEGER NOT NULL DEFAULT 0,
  backchannel_logout_uri TEXT,
  backchannel_logout_session_required INTEGER NOT NULL DEFAULT 0,
  par_lifetime INTEGER,
  client_profile TEXT NOT NULL DEFAULT 'default',
  allowed_origins TEXT,             -- JSON array of browser origins besides those of redirect_uris (issue 11)
  -- Secret rotation with overlap (admin API, issue 13): the secret replaced last keeps working until
  -- previous_secret_expires_at; hashed (and sealed for client_secret_jwt) like the current one.
  previous_secret_hash TEXT,
  previous_secret_sealed TEXT,
  previous_secret_expires_at INTEGER,
  dpop_bound_access_tokens INTEGER,                    -- 0/1, RFC 9449 §5.2 (NULL: false)
  tls_client_certificate_bound_access_tokens INTEGER,  -- 0/1, RFC 8705 §3.4 (NULL: false)
  tls_client_auth_subject_dn TEXT,  -- RFC 8705 §2.1.2: exactly one of these five for tls_client_auth
  tls_client_auth_san_dns TEXT,
  tls_client_auth_san_uri TEXT,
  tls_client_auth_san_ip TEXT,
  tls_client_auth_san_email TEXT,
  require_signed_request_object INTEGER,                     -- 1: RFC 9101 §10.5; NULL: not required
  request_object_encryption_alg TEXT,                        -- RFC 9101 §6.1, OIDC Registration §2
  request_object_encryption_enc TEXT,
  authorization_details_types TEXT  -- JSON array of RFC 9396 types the client may request (RFC 9396 section 10)
);

-- Which client registered which browser origin (its redirect URIs' origins plus allowed_origins),
-- written with the client in one batch. A CORS preflight carries no client_id, so it asks this index
-- whether the origin belongs to any client (Fetch standard §3.2 "CORS protocol").
CREATE TABLE IF NOT EXISTS client_origins (
  origin TEXT NOT NULL,
  client_id TEXT NOT NULL,
  public_client INTEGER NOT NULL,  -- 1 when token_endpoint_auth_method is none (only those get CORS at /par)
  PRIMARY KEY (origin, client_id)
);
CREATE INDEX IF NOT EXISTS client_origins_client ON client_origins (client_id);

CREATE TABLE IF NOT EXISTS users (
  sub TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,      -- PBKDF2-SHA256, base64url
  password_salt TEXT NOT NULL,      -- 16 random bytes, base64url
  password_iterations INTEGER NOT NULL,
  claims TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 -- 1: cannot sign in; sessions and grants were ended when it was set
);

-- Remembered consent per user, client and scope set (OpenID Connect Core §3.1.2.4).
CREATE TABLE IF NOT EXISTS consents (
  sub TEXT NOT NULL,
  client_id TEXT NOT NULL,
  scope TEXT NOT NULL,              -- space-separated, sorted
  granted_at INTEGER NOT NULL,
  PRIMARY KEY (sub, client_id)
);

-- Claims a user consented to individually through the `claims` parameter (OpenID Connect Core §5.5),
-- beside the consents row of the same user and client. Its own table, not a column, so that an existing
-- database gains it when this file is re-applied (`npm start` does so at every start).
CREATE TABLE IF NOT EXISTS consent_claims (
  sub TEXT NOT NULL,
  client_id TEXT NOT NULL,
  claims TEXT NOT NULL,             -- space-separated claim names, sorted
  PRIMARY KEY (sub, client_id)
);

-- Back-channel logout deliveries (OpenID Connect Back-Channel Logout 1.0 §2.5–§2.8):
-- one row per logout token delivery to one client, written at enqueue and after each attempt.
-- The token itself is never stored: each attempt signs a fresh one.
CREATE TABLE IF NOT EXISTS logout_deliveries (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  sid TEXT,                         -- the ended session, when known
  sub TEXT NOT NULL,
  uri TEXT NOT NULL,                -- backchannel_logout_uri of the last attempt
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'retrying', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  last_status INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX IF NOT EXISTS logout_deliveries_sid ON logout_deliveries (sid, created_at);
CREATE INDEX IF NOT EXISTS logout_deliveries_client ON logout_deliveries (client_id, created_at);

-- Lifecycle index (DESIGN.md "What logout ends"): which sessions a user has and which
-- grants a user and a client hold, so deleting a user or a client finds what to end.
-- The Session and Grant Durable Objects stay the truth; these rows only point at them.
-- One INSERT at login (sessions) and one at code issuance (grants); never written on /token.
CREATE TABLE IF NOT EXISTS sessions (
  sid TEXT PRIMARY KEY,             -- base64url(SHA-256(cookie secret)), the Session object's name
  sub TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ended_at INTEGER                  -- set when ended through the admin API or a cascade
);
CREATE INDEX IF NOT EXISTS sessions_sub ON sessions (sub, expires_at);

CREATE TABLE IF NOT EXISTS grants (
  handle TEXT PRIMARY KEY,          -- the Grant object's name (request_uri handle, first half of code and refresh token)
  client_id TEXT NOT NULL,
  sub TEXT NOT NULL,
  sid TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL       -- upper bound of the grant's life: code lifetime + longest token lifetime
);
CREATE INDEX IF NOT EXISTS grants_sub ON grants (sub, client_id);
CREATE INDEX IF NOT EXISTS grants_client ON grants (client_id);

-- APIs (resource servers, RFC 8707): the audiences of access tokens requested with `resource`.
-- `client_id` names the confidential client (a `clients` row) the API introspects with.
CREATE TABLE IF NOT EXISTS apis (
  identifier TEXT PRIMARY KEY,      -- absolute URI without fragment (RFC 8707 §2); the tokens' `aud`
  name TEXT NOT NULL,
  scopes TEXT NOT NULL DEFAULT '[]', -- JSON [{"name", "description"}]
  access_token_lifetime INTEGER,    -- seconds; NULL means ACCESS_TOKEN_LIFETIME
  access_token_signing_alg TEXT,    -- NULL means ACCESS_TOKEN_ALG
  allow_refresh INTEGER NOT NULL DEFAULT 1,
  authorization_details_types TEXT, -- JSON {"<type>": <JSON Schema of one object>} (RFC 9396)
  client_id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

-- One-time password reset links (admin API, issue 13). Only the SHA-256 of the link's token is kept;
-- single use is one conditional UPDATE (used_at IS NULL) whose changes() decides.
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
