using System.Text.Json;

namespace PulsePoint.Billing;

/// <summary>The shipped default prices, <c>deploy/pricing/default-pricing.json</c>, embedded in this assembly.</summary>
public static class PricingFile
{
    private const string ResourceName = "PulsePoint.Pricing.default-pricing.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip };

    private static readonly Lazy<IReadOnlyList<ModelPrice>> Shipped = new(() =>
    {
        using var stream = typeof(PricingFile).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in {typeof(PricingFile).Assembly.GetName().Name}");
        return Parse(stream);
    });

    /// <summary>The shipped prices (layer <c>file</c>).</summary>
    public static IReadOnlyList<ModelPrice> Default => Shipped.Value;

    /// <summary>Reads a pricing file: <c>{ "prices": [ { "model", "effectiveFrom", "inputPerMTok", ... } ] }</c>.</summary>
    public static IReadOnlyList<ModelPrice> Parse(Stream json)
    {
        var document = JsonSerializer.Deserialize<Document>(json, Json) ?? throw new InvalidOperationException("empty pricing file");
        return document.Prices.Select(p => p.ToPrice("file")).ToArray();
    }

    private sealed class Document
    {
        public List<ModelPriceSetting> Prices { get; set; } = [];
    }
}
