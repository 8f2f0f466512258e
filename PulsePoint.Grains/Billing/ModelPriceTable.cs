using Npgsql;
using NpgsqlTypes;
using PulsePoint.Storage;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// The SQL of the operator's price tables: <c>model_prices</c> (global; written by the owner role) and
/// <c>tenant_model_prices</c> (a tenant's negotiated prices; written by the owner role under the tenant's RLS
/// context, through <see cref="TenantDatabase"/>).
/// </summary>
public static class ModelPriceTable
{
    private const string PriceColumns = """
        model, effective_from, input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok,
        reasoning_per_mtok, tiers, source, note
        """;

    private const string SelectColumns = """
        model, effective_from, input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok,
        reasoning_per_mtok, tiers::text, source, note
        """;

    // One statement for the whole import, so it is all written or none of it; a price already in the table for the same
    // model and instant is replaced (re-running an import changes nothing). xmax = 0 tells a new row from a replaced one.
    private const string ImportSql = "insert into model_prices (" + PriceColumns + """
        )
        select * from unnest($1::text[], $2::timestamptz[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[],
                             $7::numeric[], $8::jsonb[], $9::text[], $10::text[])
        on conflict (model, effective_from) do update
           set input_per_mtok = excluded.input_per_mtok, output_per_mtok = excluded.output_per_mtok,
               cache_read_per_mtok = excluded.cache_read_per_mtok, cache_write_per_mtok = excluded.cache_write_per_mtok,
               reasoning_per_mtok = excluded.reasoning_per_mtok, tiers = excluded.tiers, source = excluded.source,
               note = excluded.note, created_at = now()
        returning xmax = 0
        """;

    private const string ListSql = "select " + SelectColumns + " from model_prices order by model, effective_from";

    // $1 tenant (defensive filter beside RLS).
    private const string SetTenantSql = "insert into tenant_model_prices (tenant_id, " + PriceColumns + """
        )
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
        on conflict (tenant_id, model, effective_from) do update
           set input_per_mtok = excluded.input_per_mtok, output_per_mtok = excluded.output_per_mtok,
               cache_read_per_mtok = excluded.cache_read_per_mtok, cache_write_per_mtok = excluded.cache_write_per_mtok,
               reasoning_per_mtok = excluded.reasoning_per_mtok, tiers = excluded.tiers, source = excluded.source,
               note = excluded.note, created_at = now()
        """;

    private const string ListTenantSql = "select " + SelectColumns + " from tenant_model_prices where tenant_id = $1 order by model, effective_from";

    private const string RemoveTenantSql = "delete from tenant_model_prices where tenant_id = $1 and lower(model) = lower($2)";

    // Every tenant's entries, for the event sink's catalog: read by the pipeline role (BYPASSRLS), never tenant-facing.
    private const string AllTenantsSql = "select tenant_id, " + SelectColumns + " from tenant_model_prices";

    /// <summary>Writes <paramref name="prices"/> into <c>model_prices</c> in one statement; returns how many were new and how many replaced.</summary>
    public static async Task<(int Added, int Replaced)> ImportAsync(NpgsqlDataSource owner, IReadOnlyList<ModelPrice> prices, string? note, CancellationToken ct = default)
    {
        if (prices.Count == 0)
        {
            return (0, 0);
        }

        await using var command = owner.CreateCommand(ImportSql);
        var parameters = command.Parameters;
        parameters.AddArray(NpgsqlDbType.Text, prices.Select(p => p.Model));
        parameters.AddArray(NpgsqlDbType.TimestampTz, prices.Select(p => p.EffectiveFrom.ToUniversalTime()));
        parameters.AddArray(NpgsqlDbType.Numeric, prices.Select(p => p.InputPerMTok));
        parameters.AddArray(NpgsqlDbType.Numeric, prices.Select(p => p.OutputPerMTok));
        parameters.AddArray(NpgsqlDbType.Numeric, prices.Select(p => p.CacheReadPerMTok));
        parameters.AddArray(NpgsqlDbType.Numeric, prices.Select(p => p.CacheWritePerMTok));
        parameters.AddArray(NpgsqlDbType.Numeric, prices.Select(p => p.ReasoningPerMTok));
        parameters.AddArray(NpgsqlDbType.Jsonb, prices.Select(p => PriceTierSetting.ToJson(p.TierList)));
        parameters.AddArray(NpgsqlDbType.Text, prices.Select(p => p.Source));
        parameters.AddArray(NpgsqlDbType.Text, prices.Select(_ => note));
        int added = 0, replaced = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetBoolean(0))
            {
                added++;
            }
            else
            {
                replaced++;
            }
        }

        return (added, replaced);
    }

    /// <summary>Every row of <c>model_prices</c> with its note, by model and effective instant.</summary>
    public static async Task<IReadOnlyList<(ModelPrice Price, string? Note)>> ListAsync(NpgsqlDataSource source, CancellationToken ct = default)
    {
        await using var command = source.CreateCommand(ListSql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var prices = new List<(ModelPrice, string?)>();
        while (await reader.ReadAsync(ct))
        {
            prices.Add((PricingCatalogSource.ReadPrice(reader, 0, "table"), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return prices;
    }

    /// <summary>Sets <paramref name="tenant"/>'s negotiated <paramref name="price"/> (replacing one for the same model and instant).</summary>
    public static Task SetTenantAsync(TenantDatabase owner, TenantId tenant, ModelPrice price, string? note, CancellationToken ct = default) =>
        owner.RunAsync(tenant, async session =>
        {
            await using var command = session.Command(SetTenantSql)
                .Bind(price.Model).Bind(price.EffectiveFrom.ToUniversalTime()).Bind(price.InputPerMTok).Bind(price.OutputPerMTok)
                .Bind(price.CacheReadPerMTok).Bind(price.CacheWritePerMTok).Bind(price.ReasoningPerMTok)
                .Bind(PriceTierSetting.ToJson(price.TierList)).Bind(price.Source).Bind(note);
            await command.ExecuteNonQueryAsync(session.CancellationToken);
        }, ct);

    /// <summary>The negotiated prices of <paramref name="tenant"/>, under its RLS context.</summary>
    public static Task<IReadOnlyList<(ModelPrice Price, string? Note)>> ListTenantAsync(TenantDatabase tenants, TenantId tenant, CancellationToken ct = default) =>
        tenants.ReadAsync<IReadOnlyList<(ModelPrice, string?)>>(tenant, ListTenantSql, null, async (reader, token) =>
        {
            var prices = new List<(ModelPrice, string?)>();
            while (await reader.ReadAsync(token))
            {
                prices.Add((PricingCatalogSource.ReadPrice(reader, 0, "tenant"), reader.IsDBNull(9) ? null : reader.GetString(9)));
            }

            return prices;
        }, ct);

    /// <summary>Removes every negotiated price <paramref name="tenant"/> has for <paramref name="model"/>; returns how many.</summary>
    public static Task<int> RemoveTenantAsync(TenantDatabase owner, TenantId tenant, string model, CancellationToken ct = default) =>
        owner.RunAsync(tenant, async session =>
        {
            await using var command = session.Command(RemoveTenantSql).Bind(model.Trim());
            return await command.ExecuteNonQueryAsync(session.CancellationToken);
        }, ct);

    /// <summary>Every tenant's negotiated prices (pipeline role: it bypasses RLS; the event sink prices every tenant's events).</summary>
    public static async Task<IReadOnlyDictionary<TenantId, IReadOnlyList<ModelPrice>>> ReadAllTenantsAsync(NpgsqlDataSource pipeline, CancellationToken ct = default)
    {
        await using var command = pipeline.CreateCommand(AllTenantsSql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var prices = new List<(TenantId Tenant, ModelPrice Price)>();
        while (await reader.ReadAsync(ct))
        {
            prices.Add((new TenantId(reader.GetGuid(0)), PricingCatalogSource.ReadPrice(reader, 1, "tenant")));
        }

        return prices.GroupBy(p => p.Tenant).ToDictionary(g => g.Key, g => (IReadOnlyList<ModelPrice>)g.Select(p => p.Price).ToArray());
    }
}
