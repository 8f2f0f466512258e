-- Event pipeline: the compliance store (observability_events, the source of truth, 90 days), its
-- dedup index, and the outbox cursors of the destinations that receive committed events.
--
-- * observability_events is range-partitioned by day on occurred_at (UTC days). PostgreSQL requires
--   every unique key of a partitioned table to contain the partition key, so the primary key is
--   (tenant_id, occurred_at, event_id) and cannot by itself make event_id unique; the small
--   unpartitioned observability_event_ids table does, and the event sink writes it in the same
--   transaction as the COPY (insert ... on conflict do nothing returning → COPY only the new ones).
--   Its key starts with tenant_id, like every unique key (a key on event_id alone would tell one
--   tenant that another tenant's event id exists).
-- * shard + position: the outbox order. One EventSinkGrain activation per shard flushes one batch at
--   a time and numbers the rows itself (last committed position + 1), so within a shard positions
--   are assigned and committed in the same order; a destination's cursor per shard is "delivered up
--   to this position". (A database sequence would not do: values taken in concurrent transactions
--   can commit out of order and a cursor would skip the late one.)
-- * RLS enabled and forced with the fail-closed policy; pulsepoint_app may read through the parent
--   only (policies on the parent do not apply to a partition queried directly, so partitions get no
--   grants). pulsepoint_pipeline (BYPASSRLS: COPY FROM is refused under RLS) writes.
-- * Partitions are created and dropped by the SECURITY DEFINER functions below (DDL on a partitioned
--   table needs its owner); the silo calls them at start, on demand, and from its retention timer.
--   There is no default partition: a row outside every partition fails the COPY, the sink creates
--   the missing day and retries, and a default partition would make creating that day fail once it
--   held rows of it.
-- Re-runnable: IF NOT EXISTS, CREATE OR REPLACE, policies dropped and re-created.

-- On a re-run (the tables exist and the event sink may be writing), take the tables' locks first and
-- in the sink's order (ids, then events): the statements below need strong locks on both, and taking
-- them one by one while a flush holds the other would deadlock.
do $$
begin
    if to_regclass('observability_event_ids') is not null and to_regclass('observability_events') is not null then
        lock table observability_event_ids, observability_events in access exclusive mode;
    end if;
end
$$;

create table if not exists observability_events (
    tenant_id          uuid not null,
    event_id           uuid not null,
    occurred_at        timestamptz not null,
    request_id         text,
    user_id            text,
    brand_id           uuid,
    category           text not null,
    event_type         text not null,
    severity           text not null,
    status             text not null,
    duration_ms        double precision,
    cpu_time_ms        double precision,
    tokens_used        bigint,
    tokens_input       bigint,
    tokens_output      bigint,
    tokens_cache_read  bigint,
    tokens_cache_write bigint,
    cost_usd           numeric(18, 8),
    accuracy_score     double precision,
    was_cached         boolean not null,
    fallback_used      text,
    error_code         text,
    error_message      text,
    ai_model           text,
    schema_version     integer not null,
    shard              integer not null,
    position           bigint not null,
    -- How many events the flush that wrote this row committed together (group commit, observable).
    batch_size         integer not null,
    ingested_at        timestamptz not null default now(),
    primary key (tenant_id, occurred_at, event_id)
) partition by range (occurred_at);

-- The outbox relay reads "shard s after position p" back when a destination was down.
create index if not exists observability_events_shard_position on observability_events (shard, position);
create index if not exists observability_events_tenant_type on observability_events (tenant_id, event_type, occurred_at);

create table if not exists observability_event_ids (
    tenant_id   uuid not null,
    event_id    uuid not null,
    occurred_at timestamptz not null,
    primary key (tenant_id, event_id)
);
create index if not exists observability_event_ids_occurred on observability_event_ids (occurred_at);

do $$
declare
    t text;
begin
    foreach t in array array['observability_events', 'observability_event_ids'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('drop policy if exists tenant_isolation on %I', t);
        execute format($p$create policy tenant_isolation on %I
            using (tenant_id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid))
            with check (tenant_id = (select nullif(current_setting('app.current_tenant_id', true), '')::uuid))$p$, t);
    end loop;
end
$$;

-- Delivery cursors: destination name ("realtime", "warehouse") and shard → last delivered position.
-- Not tenant data (positions only); the pipeline role alone reads and writes it.
create table if not exists event_destination_cursors (
    destination text not null check (length(destination) between 1 and 50),
    shard       integer not null check (shard >= 0),
    position    bigint not null check (position >= 0),
    updated_at  timestamptz not null default now(),
    primary key (destination, shard)
);

-- Creates the daily partitions covering [from_day, to_day] (UTC days) that do not exist yet.
create or replace function observability_events_create_partitions(from_day date, to_day date)
returns integer
language plpgsql
security definer
set search_path = public, pg_catalog
as $$
declare
    d date;
    created integer := 0;
    name text;
begin
    if to_day - from_day > 400 then
        raise exception 'refusing to create more than 400 partitions at once';
    end if;
    d := from_day;
    while d <= to_day loop
        name := 'observability_events_p' || to_char(d, 'YYYYMMDD');
        if to_regclass(name) is null then
            execute format(
                'create table if not exists %I partition of observability_events for values from (%L) to (%L)',
                name, (d::timestamp at time zone 'UTC'), ((d + 1)::timestamp at time zone 'UTC'));
            execute format('revoke all on %I from public', name);
            created := created + 1;
        end if;
        d := d + 1;
    end loop;
    return created;
end
$$;

-- Drops the daily partitions whose whole day is before before_day (UTC); returns how many.
create or replace function observability_events_drop_partitions(before_day date)
returns integer
language plpgsql
security definer
set search_path = public, pg_catalog
as $$
declare
    part record;
    dropped integer := 0;
begin
    for part in
        select c.relname
          from pg_inherits i
          join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'observability_events'::regclass
           and c.relname ~ '^observability_events_p[0-9]{8}$'
           and to_date(substr(c.relname, 23), 'YYYYMMDD') < before_day
    loop
        execute format('drop table %I', part.relname);
        dropped := dropped + 1;
    end loop;
    return dropped;
end
$$;

revoke all on function observability_events_create_partitions(date, date) from public;
revoke all on function observability_events_drop_partitions(date) from public;
grant execute on function observability_events_create_partitions(date, date) to pulsepoint_pipeline;
grant execute on function observability_events_drop_partitions(date) to pulsepoint_pipeline;

revoke all on observability_events, observability_event_ids, event_destination_cursors from public;
-- Tenants read their events through the parent, under RLS. No grant on any partition.
grant select on observability_events to pulsepoint_app;
grant select, insert on observability_events to pulsepoint_pipeline;
grant select, insert, delete on observability_event_ids to pulsepoint_pipeline;
grant select, insert, update on event_destination_cursors to pulsepoint_pipeline;

-- Today and the days around it exist from the start, so the first append never waits for DDL.
select observability_events_create_partitions(current_date - 8, current_date + 3);
