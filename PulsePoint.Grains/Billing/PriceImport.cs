namespace PulsePoint.Billing;

/// <summary>What a pricing file holds for import: its valid prices, and how many entries were left out and why.</summary>
/// <param name="Prices">Every price to write, validated.</param>
/// <param name="Entries">Entries the file has (LiteLLM's <c>sample_spec</c> not counted).</param>
/// <param name="NotSelected">Entries left out by the model or provider filter.</param>
/// <param name="NotTokenPriced">Entries without a per-token input price (images, audio, search, …): nothing to import.</param>
public sealed record PriceImport(IReadOnlyList<ModelPrice> Prices, int Entries, int NotSelected, int NotTokenPriced);
