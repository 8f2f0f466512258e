-- API keys: the identity of every HTTP caller (docs/http-api.md).
--
-- A key is `pp_live_<key id>_<secret>` (a tenant's) or `pp_oper_<key id>_<secret>` (an operator's): the key
-- id is 12 base32 characters (60 random bits), public, shown by `keys list` and on the admin endpoint, so
-- a leaked key can be recognised and revoked by it; the secret is 52 base32 characters (256 random bits)
-- and is stored only as its SHA-256 hash. Keys are never deleted: a revocation is a timestamp.
--
-- * api_keys: a tenant's keys. Tenant-owned like every tenant table: RLS enabled and forced with the
--   fail-closed policy of 0002, keys start with tenant_id, the tenant reference is a foreign key. One more
--   permissive policy, for SELECT only, lets the silo read ONE key by its id before it knows the tenant
--   (an HTTP request names a key, not a tenant): the key id is put in the transaction-local setting
--   app.current_api_key_id with a bound parameter, exactly like the tenant id; unset or empty, it matches
--   nothing. It reveals the row of the key named, never a tenant's other keys, and writes (revoke, last
--   used) still need the tenant policy. Key ids are made by the server from random bits, so no caller
--   chooses one; ids are not declared unique (every unique key starts with tenant_id) and a lookup that
--   finds more than one row refuses the key.
-- * operator_api_keys: operator-wide keys, no tenant, no RLS. Only the owner role inserts (the
--   `keys create --operator` verb): the silo's application role reads them and may set revoked_at and
--   last_used_at only, so a compromised silo cannot mint an operator key.
-- Re-runnable: IF NOT EXISTS everywhere, policies dropped and re-created.

create table if not exists api_keys (
    tenant_id     uuid not null references tenants (id),
    key_id        text not null check (key_id ~ '^[a-z2-7]{12}$'),
    secret_sha256 bytea not null check (length(secret_sha256) = 32),
    scopes        text[] not null check (cardinality(scopes) between 1 and 3 and scopes <@ array['ingest', 'read', 'admin']),
    name          text check (length(name) between 1 and 200),
    created_at    timestamptz not null default now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    -- Kept coarsely: the key's grain writes it at most once per PulsePoint:ApiKeys:LastUsedWritePeriod.
    last_used_at  timestamptz,
    primary key (tenant_id, key_id)
);
create index if not exists api_keys_key_id on api_keys (key_id);

alter table api_keys enable row level security;
alter table api_keys force row level security;
drop policy if exists tenant_isolation on api_keys;
create policy tenant_isolation on api_keys
    using (tenant_id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid))
    with check (tenant_id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid));
drop policy if exists api_key_lookup on api_keys;
create policy api_key_lookup on api_keys for select
    using (key_id = (select nullif(current_setting('app.current_api_key_id', true), '')));

revoke all on api_keys from public;
-- A key's secret hash and scopes never change: the application role may only revoke it and note its use.
grant select, insert on api_keys to pulsepoint_app;
grant update (revoked_at, last_used_at) on api_keys to pulsepoint_app;

create table if not exists operator_api_keys (
    key_id        text primary key check (key_id ~ '^[a-z2-7]{12}$'),
    secret_sha256 bytea not null check (length(secret_sha256) = 32),
    name          text check (length(name) between 1 and 200),
    created_at    timestamptz not null default now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);

revoke all on operator_api_keys from public;
grant select on operator_api_keys to pulsepoint_app;
grant update (revoked_at, last_used_at) on operator_api_keys to pulsepoint_app;
