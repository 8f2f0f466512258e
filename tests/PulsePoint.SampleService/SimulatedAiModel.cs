using System.Diagnostics;
using PulsePoint.Brands;

namespace PulsePoint.SampleService;

/// <summary>
/// DEMO ONLY: stands in for a model provider. Deterministic: the same question gives the same tokens,
/// so tests know what to expect. Prices are the seed's claude-3-sonnet ($3 / $15 per million tokens).
/// </summary>
public static class SimulatedAiModel
{
    public const string Model = "claude-3-sonnet";
    public const decimal InputUsdPerMillion = 3m;
    public const decimal OutputUsdPerMillion = 15m;
    public const long OutputTokens = 120;

    /// <summary>A question that makes the simulated provider fail (for outage drills and tests).</summary>
    public const string OutageQuestion = "simulate provider outage";

    /// <summary>Input tokens of a prompt: a fixed system prompt plus about one token per four characters.</summary>
    public static long InputTokens(string question) => 400 + (question.Length + 3) / 4;

    public static decimal CostUsd(long input, long output) =>
        (input * InputUsdPerMillion + output * OutputUsdPerMillion) / 1_000_000m;

    /// <summary>The upper bound reserved from the tenant's budget before the call.</summary>
    public static decimal EstimateUsd(string question) => CostUsd(InputTokens(question), OutputTokens);

    public static async Task<(string Answer, long Input, long Output, TimeSpan Duration)> AnswerAsync(string question, BrandSummary summary)
    {
        var started = Stopwatch.GetTimestamp();
        if (question == OutageQuestion)
        {
            throw new HttpRequestException("The model provider answered 503 Service Unavailable.");
        }

        await Task.Delay(5); // the provider's latency, shortened
        var answer = $"{summary.Name}: {summary.Orders} orders and {summary.RevenueUsd:0.00} USD revenue, " +
                     $"{summary.AdSpendUsd:0.00} USD ad spend from {summary.Range.From:yyyy-MM-dd} to {summary.Range.To:yyyy-MM-dd}.";
        return (answer, InputTokens(question), OutputTokens, Stopwatch.GetElapsedTime(started));
    }
}
