-- Outbox positions checked by PostgreSQL, and AI events deduplicated by their usage row.
--
-- * event_shard_positions: the last position each shard has committed. A flush writes its rows with the
--   positions after the last one it knows, and its transaction's last statement is
--   event_shard_positions_advance(shard, last, new last): the update locks the row until the commit, and
--   it fails (SQLSTATE PP001) when the row no longer says `last` — another writer of the shard committed
--   first, or the row does not exist yet — so the whole flush rolls back and is redone after the shard's
--   position is read again. So positions are unique per shard, have no gaps, and are committed in order
--   even with two writers of one shard (a duplicate activation during a silo failure, or two clusters on
--   one database); before this the shard's activation numbered its rows alone and two at once collided.
--   Taking the lock last keeps it for one round trip and means a flush holding it waits for nothing.
--   The sink seeds a shard's row on first use from the highest position in observability_events and in
--   the destinations' cursors, so an existing database carries on where it stopped; the row is never
--   deleted, so positions stay above every cursor after retention. Not tenant data (counters only): no
--   RLS; the pipeline role alone reads and writes it.
-- * An event that bills (an AI event with usage) is claimed by its ai_token_usage row, whose key is the
--   same (tenant_id, event_id) as observability_event_ids': the sink no longer writes it a second claim
--   row there. observability_event_ids keeps the claims of every other event (0004).
-- Re-runnable.

create table if not exists event_shard_positions (
    shard    integer primary key check (shard >= 0),
    position bigint not null check (position >= 0)
);

create or replace function event_shard_positions_advance(p_shard integer, p_from bigint, p_to bigint)
returns bigint
language plpgsql
as $$
begin
    -- Schema-qualified instead of a SET search_path clause: a function with SET clauses is slower to call,
    -- and this one runs in every event flush.
    update public.event_shard_positions set position = p_to where shard = p_shard and position = p_from;
    if not found then
        raise exception 'event shard % is no longer at position %: another writer committed first, or the shard has no position row', p_shard, p_from
            using errcode = 'PP001';
    end if;
    -- The flush's transaction id: the tenant grains compare it with the snapshot of their counters.
    return pg_current_xact_id()::text::bigint;
end
$$;

revoke all on event_shard_positions from public;
revoke all on function event_shard_positions_advance(integer, bigint, bigint) from public;
grant select, insert, update on event_shard_positions to pulsepoint_pipeline;
grant execute on function event_shard_positions_advance(integer, bigint, bigint) to pulsepoint_pipeline;
