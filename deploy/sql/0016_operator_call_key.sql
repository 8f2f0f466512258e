-- The operator call key: the secret that signs calls to operator grain interfaces (docs/tenant-isolation.md#operators).
--
-- Orleans gateways do not authenticate clients, and RequestContext is whatever a client puts there, so an operator
-- operation (activate a tenant, set a budget, feed the billing counters, revoke a key, ...) is admitted only when its
-- call carries an HMAC made with this key over the target grain, the method and the time. The silos read it with the
-- pipeline role, which backend services never hold (they hold at most the application role, to find gateways), so a
-- client with nothing but gateway access cannot make such a call. 256 bits from PostgreSQL's strong random source
-- (gen_random_uuid() draws 122 random bits per UUID; three of them, version nibbles and all, are 48 bytes).
-- Re-runnable: the key is made once and kept; to rotate it, update the row and restart the silos.

create table if not exists operator_call_key (
    id         smallint primary key default 1 check (id = 1),
    key        bytea not null check (length(key) >= 32),
    created_at timestamptz not null default now()
);

insert into operator_call_key (key)
select decode(replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex')
on conflict (id) do nothing;

revoke all on operator_call_key from public;
revoke all on operator_call_key from pulsepoint_app;
grant select on operator_call_key to pulsepoint_pipeline;
