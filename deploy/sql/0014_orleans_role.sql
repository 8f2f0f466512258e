-- Orleans' tables for the Orleans role alone (docs/threat-model.md).
--
-- Grain state (OrleansStorage) holds every tenant's budget and cost-alert state; membership and reminders steer the
-- cluster. They were the application role's, so SQL run as that role could read or rewrite another tenant's budget.
-- They now belong to pulsepoint_orleans, whose connection string (PulsePoint:Database:Orleans) only the silo's
-- Orleans providers use; the application role keeps no privilege on them. The query catalogue stays read-only.
-- Re-runnable.

-- Orleans' tables and functions: the Orleans role only.
revoke all on OrleansQuery, OrleansMembershipVersionTable, OrleansMembershipTable, OrleansStorage, OrleansRemindersTable
    from pulsepoint_app;
revoke all on function
    orleans_insert_membership(text, text, integer, integer, text, text, integer, integer, timestamptz, timestamptz, integer),
    orleans_update_membership(text, text, integer, integer, integer, text, timestamptz, integer),
    orleans_write_grain_state(integer, bigint, bigint, integer, text, text, text, integer, bytea)
    from pulsepoint_app;

grant select on OrleansQuery to pulsepoint_orleans;
grant select, insert, update, delete
    on OrleansMembershipVersionTable, OrleansMembershipTable, OrleansStorage, OrleansRemindersTable
    to pulsepoint_orleans;
grant execute on function
    orleans_insert_membership(text, text, integer, integer, text, text, integer, integer, timestamptz, timestamptz, integer),
    orleans_update_membership(text, text, integer, integer, integer, text, timestamptz, integer),
    orleans_write_grain_state(integer, bigint, bigint, integer, text, text, text, integer, bytea)
    to pulsepoint_orleans;

do $$
begin
    execute format('grant usage on schema %I to pulsepoint_orleans', current_schema());
end
$$;
