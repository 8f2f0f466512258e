using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// An immutable snapshot of model prices merged from three layers — the shipped file, configuration
/// and the <c>model_prices</c> table — where for the same model and effective instant the later layer
/// wins (table &gt; configuration &gt; file). An event is priced by the entry in force at its timestamp:
/// the latest effective instant not after it. Above them, a tenant's negotiated prices: for that tenant's
/// events, its entry in force at the event's timestamp wins over every layer.
/// </summary>
public sealed class PricingCatalog
{
    private readonly Dictionary<string, ModelPrice[]> _byModel;
    private readonly Dictionary<TenantId, PricingCatalog> _byTenant = [];

    /// <param name="layers">Price lists from lowest to highest precedence.</param>
    public PricingCatalog(params IEnumerable<ModelPrice>[] layers)
    {
        var merged = new Dictionary<(string Model, DateTimeOffset From), ModelPrice>();
        foreach (var layer in layers)
        {
            foreach (var price in layer)
            {
                merged[(price.Model.ToLowerInvariant(), price.EffectiveFrom)] = price;
            }
        }

        _byModel = merged.Values
            .GroupBy(p => p.Model, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.EffectiveFrom).ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    /// <param name="tenantPrices">Each tenant's negotiated prices (layer <c>tenant</c>).</param>
    /// <param name="layers">Price lists from lowest to highest precedence.</param>
    public PricingCatalog(IReadOnlyDictionary<TenantId, IReadOnlyList<ModelPrice>> tenantPrices, params IEnumerable<ModelPrice>[] layers)
        : this(layers)
    {
        foreach (var (tenant, prices) in tenantPrices)
        {
            _byTenant[tenant] = new PricingCatalog(prices);
        }
    }

    /// <summary>
    /// The price of <paramref name="model"/> for <paramref name="tenant"/>'s event at <paramref name="at"/>: its negotiated
    /// price in force then, else the catalog's; null when there is none.
    /// </summary>
    public ModelPrice? Find(string? model, DateTimeOffset at, TenantId? tenant) =>
        (tenant is { } id && _byTenant.TryGetValue(id, out var negotiated) ? negotiated.Find(model, at) : null) ?? Find(model, at);

    /// <summary>Every entry, by model then effective instant.</summary>
    public IEnumerable<ModelPrice> Entries => _byModel.Values.SelectMany(p => p).OrderBy(p => p.Model, StringComparer.Ordinal).ThenBy(p => p.EffectiveFrom);

    /// <summary>The price of <paramref name="model"/> in force at <paramref name="at"/>, or null when there is none.</summary>
    public ModelPrice? Find(string? model, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(model) || !_byModel.TryGetValue(model.Trim(), out var prices))
        {
            return null;
        }

        ModelPrice? inForce = null;
        foreach (var price in prices)
        {
            if (price.EffectiveFrom > at)
            {
                break;
            }

            inForce = price;
        }

        return inForce;
    }
}
