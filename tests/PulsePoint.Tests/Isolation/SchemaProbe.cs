using Npgsql;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Isolation;

/// <summary>
/// Generic detectors for objects that could read tenant tables around their RLS policies: partitions
/// of RLS tables, views, SECURITY DEFINER functions. They take a schema, so the suite runs them on the
/// project's schema and also on a scratch schema with planted leaks, which proves they can fail.
/// </summary>
public static class SchemaProbe
{
    /// <summary>Tables with row-level security in <c>$1</c>.</summary>
    private const string RlsTablesSql = """
        select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = $1 and c.relrowsecurity and c.relkind in ('r', 'p') order by 1
        """;

    /// <summary>
    /// Every partition (at any depth) of an RLS table in <c>$1</c>, and every view or materialized view
    /// of <c>$1</c>: the relations whose reads do not go through a parent's policy.
    /// </summary>
    private const string BypassCandidatesSql = """
        with recursive parts(child) as (
            select i.inhrelid from pg_inherits i join pg_class p on p.oid = i.inhparent
              join pg_namespace n on n.oid = p.relnamespace
             where n.nspname = $1 and p.relrowsecurity
            union
            select i.inhrelid from pg_inherits i join parts on i.inhparent = parts.child)
        select c.oid::regclass::text, c.relkind::text,
               exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped),
               c.oid in (select child from parts)
               or exists (select 1 from pg_rewrite r
                            join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
                            join pg_class t on t.oid = d.refobjid
                           where r.ev_class = c.oid and t.oid <> c.oid and t.relrowsecurity)
          from pg_class c
         where c.oid in (select child from parts)
            or (c.relkind in ('v', 'm') and c.relnamespace = (select oid from pg_namespace where nspname = $1))
         order by 1
        """;

    /// <summary>SECURITY DEFINER functions, and views not marked security_invoker, of schema <c>$1</c>.</summary>
    private const string DefinerObjectsSql = """
        select 'function ' || p.oid::regprocedure::text
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = $1 and p.prosecdef
        union all
        select 'view ' || c.oid::regclass::text
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = $1 and c.relkind in ('v', 'm')
           and not coalesce(c.reloptions @> array['security_invoker=true'] or c.reloptions @> array['security_invoker=on'], false)
        order by 1
        """;

    /// <summary>Functions of <c>$1</c> whose body names a table of <c>$2</c>.</summary>
    private const string FunctionsNamingTablesSql = """
        select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = $1 and exists (select 1 from unnest($2::text[]) t where p.prosrc ~* ('\m' || t || '\M'))
         order by 1
        """;

    public static Task<IReadOnlyList<string>> RlsTablesAsync(NpgsqlDataSource owner, string schema) =>
        ListAsync(owner, RlsTablesSql, schema);

    public static Task<IReadOnlyList<string>> DefinerObjectsAsync(NpgsqlDataSource owner, string schema) =>
        ListAsync(owner, DefinerObjectsSql, schema);

    public static Task<IReadOnlyList<string>> FunctionsNamingAsync(NpgsqlDataSource owner, string schema, string[] tables) =>
        ListAsync(owner, FunctionsNamingTablesSql, schema, tables);

    /// <summary>Partitions of RLS tables and views in <paramref name="schema"/> (name, kind, has tenant_id, reads an RLS table).</summary>
    public static async Task<IReadOnlyList<(string Name, string Kind, bool HasTenantColumn, bool ReadsRlsTable)>> BypassCandidatesAsync(NpgsqlDataSource owner, string schema)
    {
        await using var command = owner.CreateCommand(BypassCandidatesSql);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        await using var reader = await command.ExecuteReaderAsync();
        var found = new List<(string, string, bool, bool)>();
        while (await reader.ReadAsync())
        {
            found.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3)));
        }

        return found;
    }

    /// <summary>
    /// Reads <paramref name="relation"/> as the application role under <paramref name="tenant"/> and
    /// returns a description of the leak, or null when the read is denied or sees own rows only.
    /// A relation without a tenant_id column that reads an RLS table must be denied outright: it cannot
    /// be filtered. One that reads no RLS table holds no tenant data.
    /// </summary>
    public static async Task<string?> LeakAsync(TenantDatabase application, TenantId tenant, string relation, bool hasTenantColumn, bool readsRlsTable)
    {
        if (!hasTenantColumn && !readsRlsTable)
        {
            return null;
        }

        // The relation name comes from the catalog (regclass text is already quoted where needed).
        var sql = hasTenantColumn
            ? $"select count(*) from {relation} where tenant_id is distinct from $1"
            : $"select count(*) from {relation}";
        try
        {
            var foreign = await application.RunAsync(tenant, async session =>
            {
                await using var command = session.Command(sql);
                if (!hasTenantColumn)
                {
                    command.Parameters.Clear();
                }

                return (long)(await command.ExecuteScalarAsync())!;
            });
            return hasTenantColumn
                ? (foreign == 0 ? null : $"{relation}: {foreign} rows of other tenants readable")
                : $"{relation}: readable by the application role and has no tenant_id to filter on";
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return null;
        }
    }

    private static async Task<IReadOnlyList<string>> ListAsync(NpgsqlDataSource owner, string sql, params object[] values)
    {
        await using var command = owner.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync();
        var found = new List<string>();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }
}
