using Npgsql;

namespace PulsePoint.Storage;

/// <summary>
/// Proves at start-up that the application role cannot bypass row-level security, nor open the doors SQL run as it
/// would try next. The silo refuses to start when the role is superuser, has BYPASSRLS, owns (or may act as the owner
/// of) a table with row-level security — an owner can drop its policies or disable RLS —, may create temporary
/// tables (one named like a tenant table would stand in for it), may create large objects, or may touch Orleans'
/// tables (grain state holds every tenant's budget and alert state; they belong to the Orleans role).
/// </summary>
public static class ApplicationRoleCheck
{
    private const string Sql = """
        select r.rolname,
               r.rolsuper,
               r.rolbypassrls,
               coalesce((select array_agg(c.relname::text order by c.relname)
                           from pg_class c
                           join pg_namespace n on n.oid = c.relnamespace
                          where c.relrowsecurity
                            and c.relkind in ('r', 'p')
                            and n.nspname = current_schema()
                            and pg_has_role(r.oid, c.relowner, 'USAGE')), '{}') as owned,
               has_database_privilege(r.oid, current_database(), 'TEMPORARY') as temporary,
               has_function_privilege(r.oid, 'pg_catalog.lo_create(oid)', 'EXECUTE')
                 or has_function_privilege(r.oid, 'pg_catalog.lo_creat(integer)', 'EXECUTE')
                 or has_function_privilege(r.oid, 'pg_catalog.lo_from_bytea(oid, bytea)', 'EXECUTE') as large_objects,
               coalesce((select array_agg(c.relname::text order by c.relname)
                           from pg_class c
                           join pg_namespace n on n.oid = c.relnamespace
                          where c.relkind = 'r'
                            and c.relname like 'orleans%'
                            and n.nspname = current_schema()
                            and has_table_privilege(r.oid, c.oid, 'SELECT, INSERT, UPDATE, DELETE')), '{}') as orleans
          from pg_roles r
         where r.rolname = current_user
        """;

    /// <summary>Throws <see cref="UnsafeDatabaseRoleException"/> unless the connected role is subject to RLS.</summary>
    public static async Task VerifyAsync(NpgsqlDataSource application, CancellationToken cancellationToken = default)
    {
        await using var command = application.CreateCommand(Sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new UnsafeDatabaseRoleException("the application role was not found in pg_roles");
        }

        var role = reader.GetString(0);
        var problems = new List<string>();
        if (reader.GetBoolean(1))
        {
            problems.Add("is a superuser");
        }

        if (reader.GetBoolean(2))
        {
            problems.Add("has BYPASSRLS");
        }

        var owned = reader.GetFieldValue<string[]>(3);
        if (owned.Length > 0)
        {
            problems.Add($"owns tenant tables ({string.Join(", ", owned)})");
        }

        if (problems.Count > 0)
        {
            throw new UnsafeDatabaseRoleException(
                $"the application role '{role}' {string.Join(" and ", problems)}, so row-level security would not isolate tenants; " +
                "configure PulsePoint:Database:Application with a role that is NOSUPERUSER NOBYPASSRLS and owns no table");
        }

        var doors = new List<string>();
        if (reader.GetBoolean(4))
        {
            doors.Add("may create temporary tables (run `PulsePoint.Silo migrate`: it revokes TEMPORARY from PUBLIC)");
        }

        if (reader.GetBoolean(5))
        {
            doors.Add("may create large objects (a superuser revokes EXECUTE on lo_creat, lo_create, lo_from_bytea, lo_import from PUBLIC: deploy/README.md)");
        }

        var orleans = reader.GetFieldValue<string[]>(6);
        if (orleans.Length > 0)
        {
            doors.Add($"may touch Orleans' tables ({string.Join(", ", orleans)}; run `PulsePoint.Silo migrate`: they belong to pulsepoint_orleans)");
        }

        if (doors.Count > 0)
        {
            throw new UnsafeDatabaseRoleException($"the application role '{role}' {string.Join(" and ", doors)}");
        }
    }
}
