-- Pricing that can bill real customers (docs/billing.md#pricing): long-context tiers, reasoning tokens, where each
-- price came from, and per-tenant negotiated prices.
--
-- * observability_events.tokens_reasoning / ai_token_usage.reasoning_tokens: the reasoning ("thinking") tokens of an
--   AI event, a PART of its output tokens (never added to them), so every sum of tokens stays what it was.
--   ai_token_usage.reasoning_cost_usd is the part of output_cost_usd those tokens cost (null when not computed).
-- * model_prices.reasoning_per_mtok: USD per million reasoning tokens; null means the output rate.
-- * model_prices.tiers: long-context rates as a JSON array, ascending by aboveInputTokens:
--   [{"aboveInputTokens": 200000, "inputPerMTok": 6, "outputPerMTok": 22.5, "cacheReadPerMTok": 0.6,
--     "cacheWritePerMTok": 7.5, "reasoningPerMTok": null}]. A request whose prompt (input + cache-read +
--   cache-write tokens) is above a tier's threshold has ALL its tokens priced at that tier. jsonb numbers are
--   PostgreSQL numeric, so the rates stay exact. The silo validates them when it reads the table.
-- * model_prices.source: where the numbers were read (a provider's pricing page and the date, or the imported file).
-- * tenant_model_prices: a tenant's negotiated prices, same columns as model_prices plus tenant_id. For an event of
--   that tenant, an entry in force at the event's time wins over every catalog layer. Tenant-owned: RLS enabled and
--   forced with the fail-closed, verified policy of 0012. Only the owner writes it (the `prices override` verb, under the
--   tenant's RLS context); pulsepoint_pipeline (BYPASSRLS) reads every tenant's entries for the event sink's
--   catalog; pulsepoint_app reads a tenant's own under RLS.
-- Re-runnable: IF NOT EXISTS everywhere, policies dropped and re-created.

alter table observability_events add column if not exists tokens_reasoning bigint;

alter table ai_token_usage add column if not exists reasoning_tokens bigint not null default 0 check (reasoning_tokens >= 0);
alter table ai_token_usage add column if not exists reasoning_cost_usd numeric(24, 12);

alter table model_prices add column if not exists reasoning_per_mtok numeric(18, 6) check (reasoning_per_mtok >= 0);
alter table model_prices add column if not exists tiers jsonb not null default '[]' check (jsonb_typeof(tiers) = 'array');
alter table model_prices add column if not exists source text check (length(source) <= 500);

create table if not exists tenant_model_prices (
    tenant_id            uuid not null references tenants (id),
    model                text not null check (length(model) between 1 and 100),
    effective_from       timestamptz not null,
    input_per_mtok       numeric(18, 6) not null check (input_per_mtok >= 0),
    output_per_mtok      numeric(18, 6) not null check (output_per_mtok >= 0),
    cache_read_per_mtok  numeric(18, 6) check (cache_read_per_mtok >= 0),
    cache_write_per_mtok numeric(18, 6) check (cache_write_per_mtok >= 0),
    reasoning_per_mtok   numeric(18, 6) check (reasoning_per_mtok >= 0),
    tiers                jsonb not null default '[]' check (jsonb_typeof(tiers) = 'array'),
    source               text check (length(source) <= 500),
    note                 text,
    created_at           timestamptz not null default now(),
    primary key (tenant_id, model, effective_from)
);

alter table tenant_model_prices enable row level security;
alter table tenant_model_prices force row level security;
drop policy if exists tenant_isolation on tenant_model_prices;
create policy tenant_isolation on tenant_model_prices
    using (tenant_id = (select current_tenant_id()))
    with check (tenant_id = (select current_tenant_id()));

revoke all on tenant_model_prices from public;
grant select on tenant_model_prices to pulsepoint_app, pulsepoint_pipeline;
