-- One money precision, budget reservations on AI events, and event attributes.
--
-- * Money is numeric(24, 12) wherever it is stored: a cost is exact to 10^-12 USD in the ledger
--   (ai_token_usage, 0005), the event store's cost_usd, the tenants' threshold and budget, and the
--   warehouses (DuckDB decimal(24, 12), BigQuery BIGNUMERIC). Tokens × a price of at most 6 decimals per
--   million tokens has at most 12 decimals, so priced costs are stored as computed; a caller-given cost
--   with more decimals is refused by the event validator, never rounded here. Changing cost_usd's type
--   rewrites every daily partition once.
-- * budget_reservation_id: the hard-budget reservation an AI event's call was made under (null: none).
--   The ledger keeps it so a tenant grain that loads its counters can count each reservation once: the
--   larger of its committed cost and its events' recorded cost.
-- * attributes: an event's named string values beyond its fixed columns (a JSON object of strings).
-- Re-runnable.

-- Take the locks the statements below need in one statement, so a running event sink cannot hold one
-- of them while this waits for another.
do $$
begin
    if to_regclass('observability_event_ids') is not null and to_regclass('observability_events') is not null
       and to_regclass('ai_token_usage') is not null then
        lock table observability_event_ids, observability_events, ai_token_usage, tenants in access exclusive mode;
    end if;
end
$$;

alter table observability_events alter column cost_usd type numeric(24, 12);
alter table observability_events add column if not exists budget_reservation_id uuid;
alter table observability_events add column if not exists attributes jsonb;

alter table ai_token_usage add column if not exists budget_reservation_id uuid;

alter table tenants alter column daily_cost_threshold_usd type numeric(24, 12);
alter table tenants alter column daily_budget_usd type numeric(24, 12);
