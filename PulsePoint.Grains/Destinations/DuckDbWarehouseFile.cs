using DuckDB.NET.Data;

namespace PulsePoint.Destinations;

/// <summary>
/// One open warehouse file per process: the writer lock, the DuckDB connection that writes, and the gate
/// that serialises writes. Silos hosted in the same process (the test cluster) share it, because DuckDB
/// allows one writing process per file, not one writer per silo.
/// </summary>
internal sealed class DuckDbWarehouseFile
{
    public const string LockSuffix = ".writer.lock";

    private const string CreateTableSql = $"create table if not exists observability_events {TableDefinitionSql}";

    /// <summary>The events table's columns and primary key; the re-clustering copy is created with the same definition.</summary>
    internal const string TableDefinitionSql = """
        (
            event_id uuid primary key,
            request_id varchar,
            tenant_id uuid not null,
            user_id varchar,
            brand_id uuid,
            category varchar not null,
            event_type varchar not null,
            severity varchar not null,
            status varchar not null,
            "timestamp" timestamptz not null,
            duration_ms double,
            cpu_time_ms double,
            tokens_used bigint,
            tokens_input bigint,
            tokens_output bigint,
            tokens_cache_read bigint,
            tokens_cache_write bigint,
            cost_usd decimal(24, 12),
            accuracy_score double,
            was_cached boolean not null,
            fallback_used varchar,
            error_code varchar,
            error_message varchar,
            ai_model varchar,
            schema_version integer not null,
            budget_reservation_id uuid,
            attributes varchar
        )
        """;

    // A file written before cost_usd held 12 decimals and the last two columns existed: its rows are copied
    // into a table of the current definition, in one transaction. The columns it has, in its order:
    private const string FirstColumns = """
        event_id, request_id, tenant_id, user_id, brand_id, category, event_type, severity, status, "timestamp",
        duration_ms, cpu_time_ms, tokens_used, tokens_input, tokens_output, tokens_cache_read, tokens_cache_write,
        cost_usd, accuracy_score, was_cached, fallback_used, error_code, error_message, ai_model, schema_version
        """;

    private const string IsFirstDefinitionSql = """
        select count(*) from information_schema.columns
         where table_name = 'observability_events' and column_name = 'attributes'
        """;

    private const string UpgradeSql = $"""
        create table observability_events_upgrade {TableDefinitionSql};
        insert into observability_events_upgrade ({FirstColumns}) select {FirstColumns} from observability_events;
        drop table observability_events;
        alter table observability_events_upgrade rename to observability_events;
        """;

    private static readonly Dictionary<string, DuckDbWarehouseFile> Opened = new(StringComparer.Ordinal);
    private static readonly object OpenedLock = new();

    private readonly FileStream _lock;
    private int _users;

    private DuckDbWarehouseFile(string path, FileStream writerLock, DuckDBConnection connection)
    {
        Path = path;
        _lock = writerLock;
        Connection = connection;
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    /// <summary>The writing connection; use it only while holding <see cref="Gate"/>.</summary>
    public DuckDBConnection Connection { get; }

    /// <summary>Serialises every write (and the staging table it uses) on <see cref="Connection"/>.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The connection string readers in this process use (DuckDB.NET shares the open database).</summary>
    public string ConnectionString => $"Data Source={Path}";

    /// <summary>
    /// Opens the warehouse at <paramref name="path"/> (once per process, creating its table) and counts a
    /// user; every call is paired with <see cref="Release"/>. Opening is rare, so one process-wide lock is enough.
    /// </summary>
    /// <exception cref="DuckDbWarehouseLockedException">Another process writes this file.</exception>
    public static DuckDbWarehouseFile Acquire(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        lock (OpenedLock)
        {
            if (!Opened.TryGetValue(full, out var file))
            {
                file = OpenFile(full);
                Opened.Add(full, file);
            }

            file._users++;
            return file;
        }
    }

    /// <summary>Ends one user's share; the last one closes the database and releases the writer lock.</summary>
    public void Release()
    {
        lock (OpenedLock)
        {
            if (--_users > 0)
            {
                return;
            }

            Opened.Remove(Path);
            Connection.Dispose();
            _lock.Dispose();
        }
    }

    private static void UpgradeIfOld(DuckDBConnection connection)
    {
        using var check = connection.CreateCommand();
        check.CommandText = IsFirstDefinitionSql;
        if (Convert.ToInt64(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        using var upgrade = connection.CreateCommand();
        upgrade.CommandText = UpgradeSql;
        upgrade.ExecuteNonQuery();
        transaction.Commit();
    }

    private static DuckDbWarehouseFile OpenFile(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        FileStream writerLock;
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) that a second process cannot get;
            // the operating system releases it when this process ends, even on a crash.
            writerLock = new FileStream(path + LockSuffix, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new DuckDbWarehouseLockedException(path, e);
        }

        DuckDBConnection? connection = null;
        try
        {
            connection = new DuckDBConnection($"Data Source={path}");
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = CreateTableSql;
            create.ExecuteNonQuery();
            UpgradeIfOld(connection);
            return new DuckDbWarehouseFile(path, writerLock, connection);
        }
        catch (Exception e) when (e is not DuckDbWarehouseLockedException)
        {
            connection?.Dispose();
            writerLock.Dispose();
            if (e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
            {
                // A process that does not use our lock file (e.g. the duckdb shell) has the database open.
                throw new DuckDbWarehouseLockedException(path, e);
            }

            throw;
        }
    }
}
