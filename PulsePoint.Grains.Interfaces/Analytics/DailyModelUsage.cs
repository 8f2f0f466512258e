namespace PulsePoint.Analytics;

/// <summary>One UTC day's AI usage of one model (events of category <c>ai.operations</c>).</summary>
/// <param name="Day">The UTC day.</param>
/// <param name="Model">The AI model; null when the events named none.</param>
/// <param name="InputTokens">Sum of input tokens.</param>
/// <param name="OutputTokens">Sum of output tokens.</param>
/// <param name="TotalTokens">Sum of total tokens (an event without a total counts input + output + cache read + cache write).</param>
/// <param name="CostUsd">Sum of the events' cost in USD.</param>
/// <param name="AverageDurationMs">Average duration of the events that have one; null when none has.</param>
/// <param name="Operations">Number of events.</param>
[GenerateSerializer, Immutable, Alias("PulsePoint.DailyModelUsage")]
public sealed record DailyModelUsage(
    DateOnly Day, string? Model, long InputTokens, long OutputTokens, long TotalTokens, decimal CostUsd, double? AverageDurationMs, long Operations);
