namespace PulsePoint.Billing;

/// <summary>AI usage of one tenant summed for one UTC day and one model.</summary>
/// <param name="Day">The UTC day of the events' timestamps.</param>
/// <param name="Model">The model name as the events gave it.</param>
/// <param name="Events">How many AI events.</param>
/// <param name="InputTokens">Input tokens (excluding cache reads and writes).</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="CacheReadTokens">Input tokens read from the provider's prompt cache.</param>
/// <param name="CacheWriteTokens">Input tokens written to the provider's prompt cache.</param>
/// <param name="TotalTokens">All tokens.</param>
/// <param name="CostUsd">The priced cost in USD (unpriced events add nothing).</param>
/// <param name="UnpricedEvents">How many of the events could not be priced (unknown model or price).</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.UsageLine")]
public sealed record UsageLine(
    DateOnly Day,
    string Model,
    long Events,
    long InputTokens,
    long OutputTokens,
    long CacheReadTokens,
    long CacheWriteTokens,
    long TotalTokens,
    decimal CostUsd,
    long UnpricedEvents)
{
    /// <summary>The sum of this line and <paramref name="other"/> (same day and model).</summary>
    public UsageLine Add(UsageLine other) => this with
    {
        Events = Events + other.Events,
        InputTokens = InputTokens + other.InputTokens,
        OutputTokens = OutputTokens + other.OutputTokens,
        CacheReadTokens = CacheReadTokens + other.CacheReadTokens,
        CacheWriteTokens = CacheWriteTokens + other.CacheWriteTokens,
        TotalTokens = TotalTokens + other.TotalTokens,
        CostUsd = CostUsd + other.CostUsd,
        UnpricedEvents = UnpricedEvents + other.UnpricedEvents,
    };
}
