using System.Globalization;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.Billing;

/// <summary>
/// The one place an AI event's cost is computed. Input, output, cache-read and cache-write tokens are
/// each priced at their own rate (a proportional split of a total is wrong whenever the rates differ).
/// A cost the caller gave is kept as is. An event that cannot be priced is marked unpriced — never $0:
/// an unknown model or rate, or tokens reported only as a total without the split into kinds.
/// </summary>
public static class CostCalculator
{
    private const decimal TokensPerUnit = 1_000_000m;

    public const string CallerSource = "caller";
    public const string UnpricedSource = "unpriced";

    /// <summary>Prices one event's tokens with <paramref name="catalog"/> at <paramref name="at"/>, unless <paramref name="callerCostUsd"/> is given.</summary>
    /// <remarks>
    /// <paramref name="totalTokens"/> is the total the event reported, if any. Tokens beyond the four kinds
    /// given have no rate: an event whose total exceeds their sum (or that gave only a total) is unpriced
    /// rather than billed for part of its tokens. <paramref name="reasoningTokens"/> are a part of
    /// <paramref name="outputTokens"/>, priced at the reasoning rate where the model has one. A model with
    /// long-context tiers prices the whole request at the tier its prompt size (input + cache-read +
    /// cache-write tokens) falls in. With <paramref name="tenant"/>, its negotiated price wins where it has one.
    /// </remarks>
    public static AiCost Price(
        PricingCatalog catalog,
        string? model,
        DateTimeOffset at,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        decimal? callerCostUsd,
        long? totalTokens = null,
        long reasoningTokens = 0,
        TenantId? tenant = null)
    {
        if (callerCostUsd is { } given)
        {
            return new AiCost(null, null, null, null, given, CallerSource, null);
        }

        var split = inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
        if (totalTokens is { } total && total > split)
        {
            return Unpriced(split == 0
                ? $"only a total of {total} tokens was given, without the input/output split that prices them"
                : $"the total of {total} tokens is {total - split} more than the input, output and cache tokens given, which alone have rates");
        }

        if (reasoningTokens < 0 || reasoningTokens > outputTokens)
        {
            return Unpriced($"{reasoningTokens} reasoning tokens do not fit in the {outputTokens} output tokens they are a part of");
        }

        var price = catalog.Find(model, at, tenant);
        if (price is null)
        {
            return Unpriced(string.IsNullOrWhiteSpace(model)
                ? "the event names no model"
                : $"no price for model '{model}' at {at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        }

        var prompt = inputTokens + cacheReadTokens + cacheWriteTokens;
        var tier = price.TierFor(prompt);
        var rates = tier ?? new PriceTier(0, price.InputPerMTok, price.OutputPerMTok, price.CacheReadPerMTok, price.CacheWritePerMTok, price.ReasoningPerMTok);
        var version = tier is null ? price.Version : string.Create(CultureInfo.InvariantCulture, $"{price.Version} (prompt > {tier.AboveInputTokens})");
        if (cacheReadTokens > 0 && rates.CacheReadPerMTok is null)
        {
            return Unpriced($"no cache-read price for model '{price.Model}' ({version})");
        }

        if (cacheWriteTokens > 0 && rates.CacheWritePerMTok is null)
        {
            return Unpriced($"no cache-write price for model '{price.Model}' ({version})");
        }

        var input = Cost(inputTokens, rates.InputPerMTok);
        var reasoning = Cost(reasoningTokens, rates.ReasoningPerMTok ?? rates.OutputPerMTok);
        var output = Cost(outputTokens - reasoningTokens, rates.OutputPerMTok) + reasoning;
        var cacheRead = Cost(cacheReadTokens, rates.CacheReadPerMTok ?? 0m);
        var cacheWrite = Cost(cacheWriteTokens, rates.CacheWritePerMTok ?? 0m);
        return new AiCost(input, output, cacheRead, cacheWrite, input + output + cacheRead + cacheWrite, "catalog:" + version, null, reasoning);
    }

    /// <summary>
    /// The problem with a priced cost larger than one event may carry (<see cref="StructuredEventValidator.MaxCostUsd"/>),
    /// naming the token field that costs the most; null when the cost is within bounds or unpriced.
    /// </summary>
    public static InvalidEventException? CheckLimit(AiCost cost)
    {
        if (cost.TotalUsd is not { } total || total <= StructuredEventValidator.MaxCostUsd)
        {
            return null;
        }

        (string Field, decimal? Usd)[] parts =
        [
            (nameof(StructuredEvent.TokensInput), cost.InputUsd),
            (nameof(StructuredEvent.TokensOutput), cost.OutputUsd),
            (nameof(StructuredEvent.TokensCacheRead), cost.CacheReadUsd),
            (nameof(StructuredEvent.TokensCacheWrite), cost.CacheWriteUsd),
        ];
        var field = parts.MaxBy(p => p.Usd ?? 0m).Field;
        return new InvalidEventException(field, string.Create(CultureInfo.InvariantCulture,
            $"prices the event at {total} USD ({cost.PriceSource}), above the {StructuredEventValidator.MaxCostUsd:N0} USD one event may cost"));
    }

    // Exact: tokens are integers and prices have at most 6 decimals, so the result has at most 12.
    private static decimal Cost(long tokens, decimal perMillion) => tokens * perMillion / TokensPerUnit;

    private static AiCost Unpriced(string reason) => new(null, null, null, null, null, UnpricedSource, reason);
}
