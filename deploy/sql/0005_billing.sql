-- Billing: the operator's price table, the per-event usage ledger, and the per-tenant hard budget.
--
-- * model_prices is global (prices are not tenant data): no tenant_id, no RLS. The owner/operator
--   writes it; the silo (pulsepoint_app) and the event sink (pulsepoint_pipeline) read it. Its rows
--   take precedence over PulsePoint:Billing:Pricing in configuration, which takes precedence over the
--   shipped deploy/pricing/default-pricing.json (same model and effective_from: the higher layer wins).
--   Prices are USD per million tokens; a null cache price means "not known for this model", and an
--   event with such tokens is stored unpriced rather than as $0.
-- * ai_token_usage: one row per AI event, written by the event sink in the same transaction as the
--   event (so billing and the event log cannot disagree). Tenant-owned: RLS enabled and forced with
--   the fail-closed policy of 0002; pulsepoint_app reads through RLS, pulsepoint_pipeline (BYPASSRLS)
--   inserts. The key is (tenant_id, event_id), like every unique key here: a retried event never bills
--   twice because (1) the sink writes usage only for event ids it claimed in the same transaction and
--   (2) the insert is ON CONFLICT DO NOTHING on this key, which has no retention (the event-id dedup
--   table's does). A tenant can only append its own events, so within a tenant the id is the event.
-- * Money is numeric, never floating point: tokens × (price with ≤ 6 decimals) / 10^6 has at most 12
--   decimals, so numeric(24, 12) holds every computed cost exactly.
-- * brand_id: composite foreign key to brands. With the default MATCH SIMPLE a row whose brand_id is
--   null is not checked, so usage without a brand is allowed; the sink stores null for a brand id the
--   tenant does not have (the event row keeps what the caller sent), so one bad id cannot fail a batch.
-- Re-runnable: IF NOT EXISTS everywhere, policies dropped and re-created.

create table if not exists model_prices (
    model                text not null check (length(model) between 1 and 100),
    effective_from       timestamptz not null,
    input_per_mtok       numeric(18, 6) not null check (input_per_mtok >= 0),
    output_per_mtok      numeric(18, 6) not null check (output_per_mtok >= 0),
    cache_read_per_mtok  numeric(18, 6) check (cache_read_per_mtok >= 0),
    cache_write_per_mtok numeric(18, 6) check (cache_write_per_mtok >= 0),
    note                 text,
    created_at           timestamptz not null default now(),
    primary key (model, effective_from)
);

revoke all on model_prices from public;
grant select on model_prices to pulsepoint_app, pulsepoint_pipeline;

create table if not exists ai_token_usage (
    tenant_id            uuid not null,
    event_id             uuid not null,
    brand_id             uuid,
    model                text not null check (length(model) between 1 and 100),
    operation            text not null check (length(operation) between 1 and 100),
    input_tokens         bigint not null check (input_tokens >= 0),
    output_tokens        bigint not null check (output_tokens >= 0),
    cache_read_tokens    bigint not null check (cache_read_tokens >= 0),
    cache_write_tokens   bigint not null check (cache_write_tokens >= 0),
    total_tokens         bigint not null check (total_tokens >= 0),
    -- Null when not computed: the caller gave only a total (never split in proportion), or unpriced.
    input_cost_usd       numeric(24, 12),
    output_cost_usd      numeric(24, 12),
    cache_read_cost_usd  numeric(24, 12),
    cache_write_cost_usd numeric(24, 12),
    -- Null only when unpriced.
    total_cost_usd       numeric(24, 12),
    -- 'caller', 'catalog:<layer>/<model>@<effective date>', or 'unpriced'.
    price_source         text not null check (length(price_source) between 1 and 200),
    unpriced             boolean not null,
    -- The event's timestamp: the day it is billed to.
    recorded_at          timestamptz not null,
    created_at           timestamptz not null default now(),
    primary key (tenant_id, event_id),
    foreign key (tenant_id, brand_id) references brands (tenant_id, id),
    check (unpriced = (total_cost_usd is null))
);
-- Counters (today) and the usage report (date range) filter by tenant and time.
create index if not exists ai_token_usage_tenant_recorded on ai_token_usage (tenant_id, recorded_at);

alter table ai_token_usage enable row level security;
alter table ai_token_usage force row level security;
drop policy if exists tenant_isolation on ai_token_usage;
create policy tenant_isolation on ai_token_usage
    using (tenant_id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid))
    with check (tenant_id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid));

revoke all on ai_token_usage from public;
grant select on ai_token_usage to pulsepoint_app;
grant select, insert on ai_token_usage to pulsepoint_pipeline;

-- Hard budget, opt-in: null means no budget. Enforced by the tenant grain's Reserve/Commit.
alter table tenants add column if not exists daily_budget_usd numeric(18, 6) check (daily_budget_usd >= 0);
