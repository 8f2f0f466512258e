using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PulsePoint.Storage;

namespace PulsePoint.Billing;

/// <summary>
/// Builds the <see cref="PricingCatalog"/> from its three layers and caches it for
/// <see cref="BillingOptions.PricingRefreshPeriod"/>, so an operator's row in <c>model_prices</c> takes
/// effect within that period without a restart. If the table cannot be read, the last catalog is kept.
/// </summary>
public sealed partial class PricingCatalogSource(
    DataSources dataSources,
    IOptions<BillingOptions> options,
    TimeProvider time,
    ILogger<PricingCatalogSource> logger)
{
    private const string SelectSql = """
        select model, effective_from, input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok
          from model_prices
        """;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private PricingCatalog? _catalog;
    private long _loadedAt;

    /// <summary>The current catalog: file, then configuration, then table.</summary>
    public async Task<PricingCatalog> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_catalog is { } cached && time.GetElapsedTime(_loadedAt) < options.Value.PricingRefreshPeriod)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_catalog is { } fresh && time.GetElapsedTime(_loadedAt) < options.Value.PricingRefreshPeriod)
            {
                return fresh;
            }

            var configured = options.Value.Pricing.Select(p => p.ToPrice("config")).ToArray();
            try
            {
                var table = await ReadTableAsync(cancellationToken);
                _catalog = new PricingCatalog(PricingFile.Default, configured, table);
                _loadedAt = time.GetTimestamp();
            }
            catch (Exception e) when (_catalog is not null && e is Npgsql.NpgsqlException or TimeoutException)
            {
                LogTableUnreadable(logger, e);
            }

            return _catalog!;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<ModelPrice>> ReadTableAsync(CancellationToken cancellationToken)
    {
        // model_prices is global (not tenant data), so it is read without a tenant scope.
        await using var command = dataSources.Application.CreateCommand(SelectSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var prices = new List<ModelPrice>();
        while (await reader.ReadAsync(cancellationToken))
        {
            prices.Add(new ModelPrice(
                reader.GetString(0),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero),
                reader.GetDecimal(2),
                reader.GetDecimal(3),
                reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                reader.IsDBNull(5) ? null : reader.GetDecimal(5),
                "table"));
        }

        return prices;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "model_prices could not be read; pricing with the previous catalog")]
    private static partial void LogTableUnreadable(ILogger logger, Exception exception);
}
