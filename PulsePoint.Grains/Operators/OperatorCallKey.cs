using Npgsql;

namespace PulsePoint.Operators;

/// <summary>
/// The cluster's operator call key (table <c>operator_call_key</c>, migration 0016), read once with the pipeline role and
/// kept for the life of the process. A failed read is not kept: the next call tries again. The data source is asked for
/// on first use only, so a process is not refused at start for a setting it needs only when it makes operator calls.
/// </summary>
public sealed class OperatorCallKey(Func<NpgsqlDataSource> pipeline)
{
    private const string SelectSql = "select key from operator_call_key where id = 1";

    private readonly SemaphoreSlim _loading = new(1, 1);
    private byte[]? _key;

    /// <summary>The key; reads it from PostgreSQL on first use.</summary>
    /// <exception cref="InvalidOperationException">The table holds no key (run <c>PulsePoint.Silo migrate</c>).</exception>
    public async ValueTask<byte[]> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_key is { } key)
        {
            return key;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_key is null)
            {
                await using var command = pipeline().CreateCommand(SelectSql);
                _key = await command.ExecuteScalarAsync(cancellationToken) as byte[]
                    ?? throw new InvalidOperationException("operator_call_key holds no key; run `PulsePoint.Silo migrate` first.");
            }

            return _key;
        }
        finally
        {
            _loading.Release();
        }
    }
}
