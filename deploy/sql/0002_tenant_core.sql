-- Tenant core: the tenant registry and the tenant-owned business tables of the seed (brands, orders,
-- ad_performance), isolated by row-level security.
--
-- Rules every tenant-owned table follows (see ARCHITECTURE.md, "Multi-tenancy in PostgreSQL"):
--   * tenant_id uuid not null; RLS enabled AND forced (forced: the owner is filtered too);
--   * one policy, fail-closed: with app.current_tenant_id unset or '' the comparison is with NULL,
--     so no row matches. The scalar subquery is evaluated once per statement, not once per row;
--   * keys start with tenant_id, and references are composite (tenant_id, id): foreign-key and
--     unique checks ignore RLS, so a single-column key would confirm another tenant's id exists;
--   * indexes lead with tenant_id, which every query filters on.
-- Re-runnable: IF NOT EXISTS everywhere, policies dropped and re-created.

create table if not exists tenants (
    id                       uuid primary key,
    name                     text not null check (length(name) between 1 and 200),
    status                   text not null default 'active' check (status in ('active', 'inactive')),
    -- null: the configured default threshold applies (PulsePoint:Billing).
    daily_cost_threshold_usd numeric(18, 6) check (daily_cost_threshold_usd >= 0),
    created_at               timestamptz not null default now(),
    updated_at               timestamptz not null default now()
);

-- The registry is tenant-scoped too: a tenant grain reads and writes only its own row.
alter table tenants enable row level security;
alter table tenants force row level security;
drop policy if exists tenant_isolation on tenants;
create policy tenant_isolation on tenants
    using (id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid))
    with check (id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid));

create table if not exists brands (
    tenant_id  uuid not null references tenants (id),
    id         uuid not null,
    name       text not null check (length(name) between 1 and 200),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, name)
);

create table if not exists orders (
    tenant_id  uuid not null,
    id         uuid not null,
    brand_id   uuid not null,
    amount_usd numeric(18, 2) not null check (amount_usd >= 0),
    created_at timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, brand_id) references brands (tenant_id, id)
);
create index if not exists orders_tenant_brand_created on orders (tenant_id, brand_id, created_at);

create table if not exists ad_performance (
    tenant_id   uuid not null,
    id          uuid not null,
    brand_id    uuid not null,
    campaign_id text not null check (length(campaign_id) between 1 and 100),
    day         date not null,
    spend_usd   numeric(18, 2) not null default 0 check (spend_usd >= 0),
    impressions bigint not null default 0 check (impressions >= 0),
    clicks      bigint not null default 0 check (clicks >= 0),
    primary key (tenant_id, id),
    unique (tenant_id, brand_id, campaign_id, day),
    foreign key (tenant_id, brand_id) references brands (tenant_id, id)
);
create index if not exists ad_performance_tenant_brand_day on ad_performance (tenant_id, brand_id, day);

do $$
declare
    t text;
begin
    foreach t in array array['brands', 'orders', 'ad_performance'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('drop policy if exists tenant_isolation on %I', t);
        execute format($p$create policy tenant_isolation on %I
            using (tenant_id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid))
            with check (tenant_id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid))$p$, t);
    end loop;
end
$$;

-- The application role works only through RLS; it never deletes tenants (deactivation is a status).
revoke all on tenants, brands, orders, ad_performance from public;
grant select, insert, update on tenants to pulsepoint_app;
grant select, insert, update, delete on brands, orders, ad_performance to pulsepoint_app;

-- The pipeline role bypasses RLS for bulk loads (COPY is refused under RLS); it reads the registry
-- and loads business rows, and nothing tenant-facing uses it.
grant select, insert on tenants, brands, orders, ad_performance to pulsepoint_pipeline;

-- /readyz compares the applied scripts with the ones the binary carries.
grant select on schemaversions to pulsepoint_app;
