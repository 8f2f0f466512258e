using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PulsePoint.Storage;

namespace PulsePoint.Billing;

/// <summary>
/// Builds the <see cref="PricingCatalog"/> from its three layers and the tenants' negotiated prices, and caches it for
/// <see cref="BillingOptions.PricingRefreshPeriod"/>, so an operator's row in <c>model_prices</c> or
/// <c>tenant_model_prices</c> takes effect within that period without a restart. If a table cannot be read, the last
/// catalog is kept. The negotiated prices of every tenant are read as the pipeline role (it bypasses RLS): the
/// catalog prices the event sink's batches, which mix tenants.
/// </summary>
public sealed partial class PricingCatalogSource(
    DataSources dataSources,
    IOptions<BillingOptions> options,
    TimeProvider time,
    ILogger<PricingCatalogSource> logger)
{
    private const string SelectSql = """
        select model, effective_from, input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok,
               reasoning_per_mtok, tiers::text, source
          from model_prices
        """;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private PricingCatalog? _catalog;
    private long _loadedAt;

    /// <summary>The current catalog: file, then configuration, then table; tenants' negotiated prices above them.</summary>
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
                var negotiated = await ModelPriceTable.ReadAllTenantsAsync(dataSources.Pipeline, cancellationToken);
                _catalog = new PricingCatalog(negotiated, PricingFile.Default, configured, table);
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
            prices.Add(ReadPrice(reader, 0, "table"));
        }

        return prices;
    }

    /// <summary>
    /// A price row from ordinal <paramref name="o"/> on: model, effective_from, the five rates, tiers as text and
    /// source — the columns <c>model_prices</c> and <c>tenant_model_prices</c> share.
    /// </summary>
    public static ModelPrice ReadPrice(Npgsql.NpgsqlDataReader reader, int o, string layer)
    {
        var model = reader.GetString(o);
        var from = new DateTimeOffset(reader.GetFieldValue<DateTime>(o + 1), TimeSpan.Zero);
        return new ModelPrice(
            model,
            from,
            reader.GetDecimal(o + 2),
            reader.GetDecimal(o + 3),
            reader.IsDBNull(o + 4) ? null : reader.GetDecimal(o + 4),
            reader.IsDBNull(o + 5) ? null : reader.GetDecimal(o + 5),
            layer,
            reader.IsDBNull(o + 6) ? null : reader.GetDecimal(o + 6),
            PriceTierSetting.ParseList(reader.GetString(o + 7), $"{layer}/{model}@{from:yyyy-MM-dd'T'HH:mm:ss'Z'}"),
            reader.IsDBNull(o + 8) ? null : reader.GetString(o + 8));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "model_prices could not be read; pricing with the previous catalog")]
    private static partial void LogTableUnreadable(ILogger logger, Exception exception);
}
