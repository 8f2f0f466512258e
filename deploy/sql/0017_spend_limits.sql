-- Budgets and rate limits at every scope (docs/billing.md#spend-limits).
--
-- * tenants.time_zone: the IANA time zone whose calendar days and months the tenant's spend limits count in
--   (default UTC). The silo checks the name when it is set.
-- * ai_token_usage.user_id / api_key_id / feature: whose spend an AI event is: its user_id, the API key it was
--   sent with (the api_key_id attribute, set by the HTTP edge) and the feature attribute. Null when the event
--   has none. Only the spend limits read them; the key (tenant_id, event_id) is unchanged.
-- * spend_limits: hard limits per (scope, subject, period): scope tenant (subject ''), user, api_key or feature
--   (subject the id, or '*' for each subject without a limit of its own); period day or month (a budget, USD)
--   or minute (a sliding rate limit, USD and/or tokens). Tenant-owned: RLS enabled and forced with the
--   fail-closed, verified policy of 0012; pulsepoint_app reads and writes a tenant's own rows through RLS
--   (the billing grain, under the tenant's context).
-- Re-runnable: IF NOT EXISTS everywhere, policies dropped and re-created.

alter table tenants add column if not exists time_zone text not null default 'UTC'
    check (length(time_zone) between 1 and 64);

alter table ai_token_usage add column if not exists user_id text check (length(user_id) <= 128);
alter table ai_token_usage add column if not exists api_key_id text check (length(api_key_id) <= 128);
alter table ai_token_usage add column if not exists feature text check (length(feature) <= 128);

create table if not exists spend_limits (
    tenant_id    uuid not null references tenants (id),
    scope        text not null check (scope in ('tenant', 'user', 'api_key', 'feature')),
    subject      text not null check (length(subject) <= 128),
    period       text not null check (period in ('day', 'month', 'minute')),
    limit_usd    numeric(24, 12) check (limit_usd >= 0),
    limit_tokens bigint check (limit_tokens >= 0),
    updated_at   timestamptz not null default now(),
    primary key (tenant_id, scope, subject, period),
    check (limit_usd is not null or limit_tokens is not null),
    check (limit_tokens is null or period = 'minute'),
    check ((scope = 'tenant') = (subject = ''))
);

alter table spend_limits enable row level security;
alter table spend_limits force row level security;
drop policy if exists tenant_isolation on spend_limits;
create policy tenant_isolation on spend_limits
    using (tenant_id = (select current_tenant_id()))
    with check (tenant_id = (select current_tenant_id()));

revoke all on spend_limits from public;
grant select, insert, update, delete on spend_limits to pulsepoint_app;
