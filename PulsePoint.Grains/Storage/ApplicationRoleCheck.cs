using Npgsql;

namespace PulsePoint.Storage;

/// <summary>
/// Proves at start-up that the application role cannot bypass row-level security. The silo refuses to
/// start when the role is superuser, has BYPASSRLS, or owns (or may act as the owner of) a table with
/// row-level security — an owner can drop its policies or disable RLS.
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
                            and pg_has_role(r.oid, c.relowner, 'USAGE')), '{}') as owned
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
    }
}
