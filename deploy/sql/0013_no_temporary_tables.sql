-- No temporary tables for the application role (docs/threat-model.md).
--
-- PUBLIC may create temporary tables in a new database. A temporary table named like a tenant table (brands,
-- orders, ...) is found first by an unqualified name, so SQL run as the application role could make every later
-- statement on that connection read and write its own table instead of the tenant table. The connections also pin
-- the search path with temporary objects last (DataSources.PinSearchPath) and the pool resets each connection when
-- it returns (DISCARD TEMP among it); without the privilege no such table exists at all. The owner keeps the
-- right as the database's owner; no PulsePoint role uses temporary tables in PostgreSQL.
-- (Large objects are the other object any role may create: only a superuser can revoke that, deploy/README.md;
-- the silo refuses to start while the application role may.)
-- Re-runnable.

-- No temporary tables for PUBLIC (the owner keeps its own right as the database's owner).
do $$
begin
    execute format('revoke temporary on database %I from public', current_database());
end
$$;
