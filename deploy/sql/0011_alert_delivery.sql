-- Alert delivery: where a tenant's alerts go (webhook, Slack, email), the alerts themselves, and the
-- outbox of their deliveries (docs/alerts.md).
--
-- * alert_channels: a tenant's channels. Tenant-owned like every tenant table: RLS enabled and forced
--   with the fail-closed policy of 0002, keys start with tenant_id, the tenant reference is a foreign
--   key. `settings` holds what is not secret (a webhook's URL, an email channel's addresses and SMTP
--   server); `secret` holds what is (a webhook's signing secret, a Slack incoming-webhook URL, an SMTP
--   password), sealed by the silo with AES-256-GCM under PulsePoint:Alerts:SecretKey, which is never in
--   the database: a dump or a read of this table does not reveal a secret. A removal is a timestamp, so
--   past deliveries keep the channel they went to.
-- * operator_alert_channels: the operator's channels, which receive every tenant's alerts. Not tenant
--   data, so no tenant_id and no RLS, and out of every tenant's path: the tenant grain API and the
--   tenant-scoped helper never name this table. Only the owner role writes it (`channels add
--   --operator`), so the silo's application role, which serves tenants, cannot add a channel that
--   would receive every tenant's alerts. The application role may read the columns the alert outbox
--   needs to fan an alert out (never `secret`); the pipeline role, which delivers, reads all of it.
-- * alerts: every alert raised for a tenant (cost thresholds, budget.exhausted, cost.unpriced,
--   alert.resolved), keyed by the id the tenant's billing grain derives from what the alert is about,
--   so raising it again stores nothing. Tenant-owned, RLS forced.
-- * alert_deliveries: the outbox, one row per (alert, channel), written in the same transaction as its
--   alert row and only when that row is new: an alert that exists is delivered, and nothing is
--   delivered for an alert that was not recorded. delivery_id is the idempotency id a receiver dedupes
--   on, stable for the pair. Tenant-owned (RLS forced): a tenant's path reads its own rows; the silos'
--   delivery workers claim rows of every tenant as the pipeline role (BYPASSRLS, like the event relay)
--   with FOR UPDATE SKIP LOCKED and a lease (locked_until), so several silos share the work and a
--   crashed silo's claims return after the lease. A delivery names a tenant channel or an operator
--   channel, never both; the tenant channel reference is composite (tenant_id, channel_id).
-- Re-runnable: IF NOT EXISTS everywhere, policies dropped and re-created.

create table if not exists alert_channels (
    tenant_id  uuid not null references tenants (id),
    id         uuid not null,
    kind       text not null check (kind in ('webhook', 'slack', 'email')),
    name       text not null check (length(name) between 1 and 200),
    settings   jsonb not null default '{}',
    secret     bytea,
    created_at timestamptz not null default now(),
    removed_at timestamptz,
    primary key (tenant_id, id)
);

create table if not exists operator_alert_channels (
    id         uuid primary key,
    kind       text not null check (kind in ('webhook', 'slack', 'email')),
    name       text not null check (length(name) between 1 and 200),
    settings   jsonb not null default '{}',
    secret     bytea,
    created_at timestamptz not null default now(),
    removed_at timestamptz
);

create table if not exists alerts (
    tenant_id uuid not null references tenants (id),
    id        uuid not null,
    kind      text not null check (kind in ('cost.threshold', 'budget.exhausted', 'cost.unpriced', 'alert.resolved')),
    severity  text not null,
    day       date not null,
    raised_at timestamptz not null,
    summary   text not null check (length(summary) between 1 and 2000),
    -- The alert's figures as exact text (spend, threshold, model, what it resolves, ...).
    details   jsonb not null default '{}',
    primary key (tenant_id, id)
);
create index if not exists alerts_tenant_raised on alerts (tenant_id, raised_at);

create table if not exists alert_deliveries (
    tenant_id           uuid not null,
    delivery_id         uuid not null,
    alert_id            uuid not null,
    channel_id          uuid,
    operator_channel_id uuid references operator_alert_channels (id),
    status              text not null default 'pending' check (status in ('pending', 'delivered', 'failed', 'cancelled')),
    attempts            integer not null default 0 check (attempts >= 0),
    next_attempt_at     timestamptz not null,
    locked_until        timestamptz,
    last_attempt_at     timestamptz,
    last_error          text check (length(last_error) <= 1000),
    delivered_at        timestamptz,
    created_at          timestamptz not null default now(),
    primary key (tenant_id, delivery_id),
    foreign key (tenant_id, alert_id) references alerts (tenant_id, id),
    foreign key (tenant_id, channel_id) references alert_channels (tenant_id, id),
    check ((channel_id is null) <> (operator_channel_id is null))
);
-- The delivery workers' claim: due pending rows, oldest first.
create index if not exists alert_deliveries_due on alert_deliveries (next_attempt_at) where status = 'pending';
create index if not exists alert_deliveries_tenant_alert on alert_deliveries (tenant_id, alert_id);

do $$
declare
    t text;
begin
    foreach t in array array['alert_channels', 'alerts', 'alert_deliveries'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('drop policy if exists tenant_isolation on %I', t);
        execute format($p$create policy tenant_isolation on %I
            using (tenant_id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid))
            with check (tenant_id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid))$p$, t);
    end loop;
end
$$;

revoke all on alert_channels, operator_alert_channels, alerts, alert_deliveries from public;

-- The application role, under RLS: a tenant's channels (added, listed, removed), its alerts and their
-- deliveries (recorded together, read for status). The operator's channels: the columns the outbox
-- fans out with, never the secret.
grant select, insert, update on alert_channels to pulsepoint_app;
grant select, insert on alerts to pulsepoint_app;
grant select, insert on alert_deliveries to pulsepoint_app;
grant select (id, kind, name, created_at, removed_at) on operator_alert_channels to pulsepoint_app;

-- The pipeline role: the delivery workers read what they send and record each attempt.
grant select on alert_channels, operator_alert_channels, alerts to pulsepoint_pipeline;
grant select, update on alert_deliveries to pulsepoint_pipeline;
