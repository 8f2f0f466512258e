-- A tenant context that SQL run as the application role cannot forge (docs/threat-model.md).
--
-- * The tenant of a transaction is accepted only with proof that the silo chose it. The silo calls
--   set_tenant_context(tenant, key id, issued at, proof) as the first statement of every tenant-scoped
--   transaction; proof = HMAC-SHA256 under a key the silo holds (PulsePoint:Database:TenantContextKey) over
--   the tenant, the backend's process id and the issue time in milliseconds. The function (SECURITY DEFINER,
--   owned by the owner role) checks it against its copy of the key in tenant_context_keys, which only the
--   owner reads, then seals the context to the transaction: app.current_tenant_id = the tenant and
--   app.tenant_context_seal = HMAC-SHA256 under a key that never leaves the database (tenant_context_seal_key)
--   over the tenant, the backend's process id and the transaction's start time in microseconds. A call that
--   fails raises; a caller that catches it in a savepoint gets its earlier settings back, never a new tenant.
-- * Every tenant_isolation policy compares with (select current_tenant_id()): an init plan, evaluated once
--   per statement, that recomputes the seal and returns the tenant, or NULL (no rows, no writes) when the
--   setting was changed after set_tenant_context, set without it, set at session level, or carried over from
--   another transaction. A forged proof makes set_tenant_context fail (SQLSTATE PP002).
-- * The silo's proof is never stored where SQL can read it (it is a bound parameter); a seal that SQL can
--   read is worthless outside its transaction. Two or more keys may be registered at once, so a key is
--   rotated without downtime (docs/operations.md). The seal key is made here, once.
-- * api_key_lookup (0010) stays: it shows the one row of a key id the caller already knows (the stored value
--   is a SHA-256 of a 256-bit secret), never writes, and cannot enumerate (an equality on the id).
-- Re-runnable: IF NOT EXISTS, CREATE OR REPLACE, policies dropped and re-created.

-- pgcrypto in a schema of its own that only the owner uses.
create schema if not exists pgcrypto;
revoke all on schema pgcrypto from public;
create extension if not exists pgcrypto with schema pgcrypto;

-- The silo's keys: key_id is the first 8 bytes of the key's SHA-256 in hex (what the silo sends).
create table if not exists tenant_context_keys (
    key_id     text primary key check (key_id ~ '^[0-9a-f]{16}$'),
    secret     bytea not null check (length(secret) = 32),
    created_at timestamptz not null default now(),
    check (key_id = encode(substr(pgcrypto.digest(secret, 'sha256'), 1, 8), 'hex'))
);

-- The database's own key for transaction seals: one row, made once, never leaves the database.
create table if not exists tenant_context_seal_key (
    id     boolean primary key default true check (id),
    secret bytea not null check (length(secret) = 32)
);
insert into tenant_context_seal_key (secret) values (pgcrypto.gen_random_bytes(32)) on conflict (id) do nothing;

revoke all on tenant_context_keys, tenant_context_seal_key from public;

-- The seal of the current transaction for a tenant under the seal key: bound to this backend and this transaction's
-- start. A single expression, so PostgreSQL inlines it into its callers (no call, no plan of its own).
-- Everything is schema-qualified: these functions run as the owner with the caller's search path.
create or replace function tenant_context_seal(p_tenant text, p_key bytea)
returns text
language sql
stable
parallel restricted
as $$
    select pg_catalog.encode(pgcrypto.hmac(
               pg_catalog.convert_to(
                   p_tenant operator(pg_catalog.||) E'\n'
                   operator(pg_catalog.||) pg_catalog.pg_backend_pid()::text operator(pg_catalog.||) E'\n'
                   operator(pg_catalog.||) (extract(epoch from pg_catalog.transaction_timestamp()) operator(pg_catalog.*) 1000000)::bigint::text,
                   'UTF8'),
               p_key, 'sha256'), 'hex')
$$;
revoke all on function tenant_context_seal(text, bytea) from public;

-- Sets the transaction's tenant when the silo's proof holds; raises PP002 otherwise.
create or replace function set_tenant_context(p_tenant uuid, p_key_id text, p_issued_at_ms bigint, p_proof bytea)
returns void
language plpgsql
volatile
security definer
parallel restricted
as $$
declare
    silo_key bytea;
    seal_key bytea;
    ignored text;
begin
    if p_tenant is null or p_key_id is null or p_issued_at_ms is null or p_proof is null then
        raise exception 'tenant context rejected: missing argument' using errcode = 'PP002';
    end if;
    if pg_catalog.abs((extract(epoch from pg_catalog.statement_timestamp()) operator(pg_catalog.*) 1000)::bigint
                      operator(pg_catalog.-) p_issued_at_ms) operator(pg_catalog.>) 120000 then
        raise exception 'tenant context rejected: issued more than 120 s from the database''s clock'
            using errcode = 'PP002', hint = 'check the clocks of the silo and the database';
    end if;
    select k.secret into silo_key from public.tenant_context_keys k where k.key_id operator(pg_catalog.=) p_key_id;
    if silo_key is null then
        raise exception 'tenant context rejected: key % is not registered in this database', p_key_id
            using errcode = 'PP002', hint = 'run `PulsePoint.Silo migrate` with PulsePoint:Database:TenantContextKey set to register it';
    end if;
    -- The message TenantContextSigner signs.
    if pgcrypto.hmac(
           pg_catalog.convert_to(
               'pulsepoint-tenant-context' operator(pg_catalog.||) E'\n'
               operator(pg_catalog.||) p_tenant::text operator(pg_catalog.||) E'\n'
               operator(pg_catalog.||) pg_catalog.pg_backend_pid()::text operator(pg_catalog.||) E'\n'
               operator(pg_catalog.||) p_issued_at_ms::text,
               'UTF8'),
           silo_key, 'sha256') operator(pg_catalog.<>) p_proof then
        raise exception 'tenant context rejected: the proof does not verify' using errcode = 'PP002';
    end if;
    select s.secret into seal_key from public.tenant_context_seal_key s;
    -- Assignments, not PERFORM: PL/pgSQL evaluates them without a run of the executor.
    ignored := pg_catalog.set_config('app.current_tenant_id', p_tenant::text, true);
    ignored := pg_catalog.set_config('app.tenant_context_seal', public.tenant_context_seal(p_tenant::text, seal_key), true);
end
$$;

-- The verified tenant of the current transaction, or NULL. Every tenant_isolation policy calls it once per
-- statement (an init plan).
create or replace function current_tenant_id()
returns uuid
language plpgsql
stable
security definer
parallel restricted
as $$
declare
    tenant text := pg_catalog.current_setting('app.current_tenant_id', true);
    seal text := pg_catalog.current_setting('app.tenant_context_seal', true);
    seal_key bytea;
begin
    if tenant is null or tenant operator(pg_catalog.=) '' or seal is null or seal operator(pg_catalog.=) '' then
        return null;
    end if;
    select s.secret into seal_key from public.tenant_context_seal_key s;
    if public.tenant_context_seal(tenant, seal_key) operator(pg_catalog.=) seal then
        return tenant::pg_catalog.uuid;
    end if;
    return null;
end
$$;

revoke all on function set_tenant_context(uuid, text, bigint, bytea) from public;
revoke all on function current_tenant_id() from public;
grant execute on function set_tenant_context(uuid, text, bigint, bytea) to pulsepoint_app;
-- Policies run their functions with the querying role's rights.
grant execute on function current_tenant_id() to pulsepoint_app;

-- Every tenant table's policy, in the verified form.
do $$
declare
    t record;
begin
    for t in
        select * from (values
            ('tenants', 'id'), ('brands', 'tenant_id'), ('orders', 'tenant_id'), ('ad_performance', 'tenant_id'),
            ('observability_events', 'tenant_id'), ('observability_event_ids', 'tenant_id'),
            ('ai_token_usage', 'tenant_id'), ('api_keys', 'tenant_id'),
            ('alert_channels', 'tenant_id'), ('alerts', 'tenant_id'), ('alert_deliveries', 'tenant_id')) as v(tbl, col)
    loop
        execute format('drop policy if exists tenant_isolation on %I', t.tbl);
        execute format('create policy tenant_isolation on %I using (%I = (select current_tenant_id())) with check (%I = (select current_tenant_id()))',
                       t.tbl, t.col, t.col);
    end loop;

    -- No policy may read the tenant setting directly any more (api_key_lookup reads the key id only).
    if exists (select 1 from pg_policies
                where schemaname = current_schema()
                  and (coalesce(qual, '') like '%app.current_tenant_id%' or coalesce(with_check, '') like '%app.current_tenant_id%')) then
        raise exception 'a policy still reads app.current_tenant_id without verification';
    end if;
end
$$;
