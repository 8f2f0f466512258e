using System.Globalization;
using System.Text.RegularExpressions;
using PulsePoint.Billing;

namespace PulsePoint.Events;

/// <summary>
/// The edge check every event passes (client library and event sink alike). It returns the first
/// problem with the field named, so a bad event can be rejected alone without failing its batch.
/// </summary>
public static partial class StructuredEventValidator
{
    /// <summary>Longest accepted <see cref="StructuredEvent.ErrorMessage"/>.</summary>
    public const int MaxErrorMessageLength = 4000;

    /// <summary>How far in the future a timestamp may be (clock skew between services).</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>How old an event may be when it arrives; older ones would land in dropped partitions.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    /// <summary>
    /// The most tokens one event may report in any token field, and in the sum of its four parts. Far above any
    /// real model call, and low enough that every sum downstream (a day's tokens per tenant in <c>bigint</c>,
    /// a price of up to 10^12 USD per million tokens in <c>decimal</c>) cannot overflow.
    /// </summary>
    public const long MaxTokens = 10_000_000_000;

    /// <summary>The largest cost one event may carry, given by the caller or priced from the catalog (USD).</summary>
    public const decimal MaxCostUsd = 1_000_000m;

    /// <summary>The most attributes one event may carry.</summary>
    public const int MaxAttributes = 32;

    /// <summary>The longest attribute value.</summary>
    public const int MaxAttributeValueLength = 1000;

    /// <summary>The longest duration or CPU time an event may report: one year, in milliseconds.</summary>
    public const double MaxDurationMs = 365d * 24 * 60 * 60 * 1000;

    /// <summary>Returns null when <paramref name="e"/> is valid at <paramref name="now"/>, else the problem.</summary>
    public static InvalidEventException? Check(StructuredEvent e, DateTimeOffset now)
    {
        if (e.EventId == Guid.Empty) return new(nameof(e.EventId), "must be a non-empty UUID");
        if (e.TenantId.Value == Guid.Empty) return new(nameof(e.TenantId), "must be a tenant UUID");
        if (!Enum.IsDefined(e.Category)) return new(nameof(e.Category), "is not a known category");
        if (!Enum.IsDefined(e.Severity)) return new(nameof(e.Severity), "is not a known severity");
        if (!Enum.IsDefined(e.Status)) return new(nameof(e.Status), "is not a known status");
        if (e.EventType is null || e.EventType.Length > 100 || !EventTypeShape().IsMatch(e.EventType))
        {
            return new(nameof(e.EventType), "must be a dotted lower-case name of at most 100 characters, e.g. ai.answer_generated");
        }

        if (!EventTypes.PrefixesOf(e.Category).Any(p => e.EventType.StartsWith(p, StringComparison.Ordinal)))
        {
            return new(nameof(e.EventType), $"must start with {string.Join(" or ", EventTypes.PrefixesOf(e.Category))} for category {EventNames.Of(e.Category)}");
        }

        if (e.Timestamp.Year < 2000 || e.Timestamp > now + MaxFutureSkew) return new(nameof(e.Timestamp), "is in the future or before 2000");
        if (e.Timestamp < now - MaxAge) return new(nameof(e.Timestamp), $"is older than {MaxAge.TotalDays:0} days");
        if (BadDuration(e.DurationMs)) return new(nameof(e.DurationMs), DurationRule);
        if (BadDuration(e.CpuTimeMs)) return new(nameof(e.CpuTimeMs), DurationRule);
        if (BadTokens(e.TokensUsed)) return new(nameof(e.TokensUsed), TokenRule);
        if (BadTokens(e.TokensInput)) return new(nameof(e.TokensInput), TokenRule);
        if (BadTokens(e.TokensOutput)) return new(nameof(e.TokensOutput), TokenRule);
        if (BadTokens(e.TokensCacheRead)) return new(nameof(e.TokensCacheRead), TokenRule);
        if (BadTokens(e.TokensCacheWrite)) return new(nameof(e.TokensCacheWrite), TokenRule);
        if (BadTokens(e.TokensReasoning)) return new(nameof(e.TokensReasoning), TokenRule);
        if (e.TokensReasoning > (e.TokensOutput ?? 0))
        {
            return new(nameof(e.TokensReasoning), "must be at most TokensOutput: reasoning tokens are a part of the output tokens, not an addition to them");
        }

        if ((e.TokensInput ?? 0) + (e.TokensOutput ?? 0) + (e.TokensCacheRead ?? 0) + (e.TokensCacheWrite ?? 0) > MaxTokens)
        {
            return new(nameof(e.TokensInput), string.Create(CultureInfo.InvariantCulture, $"plus the output, cache-read and cache-write tokens must be at most {MaxTokens:N0}"));
        }

        if (e.CostUsd is < 0 or > MaxCostUsd) return new(nameof(e.CostUsd), string.Create(CultureInfo.InvariantCulture, $"must be between 0 and {MaxCostUsd:N0} USD"));
        if (e.CostUsd is { } cost && !Money.IsExact(cost))
        {
            return new(nameof(e.CostUsd), $"has more than {Money.Decimals} decimal places; money is stored exactly to 10^-{Money.Decimals} USD, so round it first");
        }

        if (e.AccuracyScore is { } a && (!double.IsFinite(a) || a < 0 || a > 1)) return new(nameof(e.AccuracyScore), "must be between 0 and 1");
        if (TooLong(e.RequestId, 128)) return new(nameof(e.RequestId), "is longer than 128 characters");
        if (TooLong(e.UserId, 128)) return new(nameof(e.UserId), "is longer than 128 characters");
        if (TooLong(e.FallbackUsed, 100)) return new(nameof(e.FallbackUsed), "is longer than 100 characters");
        if (TooLong(e.ErrorCode, 100)) return new(nameof(e.ErrorCode), "is longer than 100 characters");
        if (TooLong(e.ErrorMessage, MaxErrorMessageLength)) return new(nameof(e.ErrorMessage), $"is longer than {MaxErrorMessageLength} characters");
        if (TooLong(e.AiModel, 100)) return new(nameof(e.AiModel), "is longer than 100 characters");
        if (e.BudgetReservationId == Guid.Empty) return new(nameof(e.BudgetReservationId), "must be a reservation's non-empty UUID");
        if (e.BudgetReservationId is not null && e.Category != EventCategory.AiOperations)
        {
            return new(nameof(e.BudgetReservationId), "may be set on an AI event only");
        }

        if (e.Attributes is { } attributes && AttributeProblem(attributes) is { } attributeProblem)
        {
            return new(nameof(e.Attributes), attributeProblem);
        }

        if (e.SchemaVersion != StructuredEvent.CurrentSchemaVersion) return new(nameof(e.SchemaVersion), $"must be {StructuredEvent.CurrentSchemaVersion}");
        return null;
    }

    /// <summary>Throws the problem <see cref="Check"/> finds.</summary>
    /// <exception cref="InvalidEventException">The event is invalid; the message names the field.</exception>
    public static void Validate(StructuredEvent e, DateTimeOffset now)
    {
        if (Check(e, now) is { } problem)
        {
            throw problem;
        }
    }

    private const string DurationRule = "must be a finite number of milliseconds between 0 and 365 days";

    private static readonly string TokenRule = string.Create(CultureInfo.InvariantCulture, $"must be between 0 and {MaxTokens:N0}");

    private static bool BadDuration(double? value) => value is { } v && (!double.IsFinite(v) || v < 0 || v > MaxDurationMs);

    private static string? AttributeProblem(EventAttributes attributes)
    {
        if (attributes.Count > MaxAttributes)
        {
            return $"holds {attributes.Count} entries; at most {MaxAttributes} are allowed";
        }

        foreach (var (key, value) in attributes)
        {
            if (key.Length > 64 || !AttributeKeyShape().IsMatch(key))
            {
                return "keys must be dotted lower-case names of at most 64 characters, e.g. gen_ai.conversation.id";
            }

            if (TooLong(value, MaxAttributeValueLength))
            {
                return $"'{key}' is longer than {MaxAttributeValueLength} characters";
            }
        }

        return null;
    }

    private static bool BadTokens(long? value) => value is < 0 or > MaxTokens;

    private static bool TooLong(string? value, int max) => value is not null && (value.Length > max || value.Any(c => c == '\0'));

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EventTypeShape();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex AttributeKeyShape();
}
