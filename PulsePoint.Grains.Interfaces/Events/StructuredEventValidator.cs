using System.Text.RegularExpressions;

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
        if (BadNumber(e.DurationMs)) return new(nameof(e.DurationMs), "must be a finite, non-negative number");
        if (BadNumber(e.CpuTimeMs)) return new(nameof(e.CpuTimeMs), "must be a finite, non-negative number");
        if (e.TokensUsed < 0) return new(nameof(e.TokensUsed), "cannot be negative");
        if (e.TokensInput < 0) return new(nameof(e.TokensInput), "cannot be negative");
        if (e.TokensOutput < 0) return new(nameof(e.TokensOutput), "cannot be negative");
        if (e.TokensCacheRead < 0) return new(nameof(e.TokensCacheRead), "cannot be negative");
        if (e.TokensCacheWrite < 0) return new(nameof(e.TokensCacheWrite), "cannot be negative");
        if (e.CostUsd is < 0 or > 1_000_000m) return new(nameof(e.CostUsd), "must be between 0 and 1,000,000 USD");
        if (e.AccuracyScore is { } a && (!double.IsFinite(a) || a < 0 || a > 1)) return new(nameof(e.AccuracyScore), "must be between 0 and 1");
        if (TooLong(e.RequestId, 128)) return new(nameof(e.RequestId), "is longer than 128 characters");
        if (TooLong(e.UserId, 128)) return new(nameof(e.UserId), "is longer than 128 characters");
        if (TooLong(e.FallbackUsed, 100)) return new(nameof(e.FallbackUsed), "is longer than 100 characters");
        if (TooLong(e.ErrorCode, 100)) return new(nameof(e.ErrorCode), "is longer than 100 characters");
        if (TooLong(e.ErrorMessage, MaxErrorMessageLength)) return new(nameof(e.ErrorMessage), $"is longer than {MaxErrorMessageLength} characters");
        if (TooLong(e.AiModel, 100)) return new(nameof(e.AiModel), "is longer than 100 characters");
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

    private static bool BadNumber(double? value) => value is { } v && (!double.IsFinite(v) || v < 0);

    private static bool TooLong(string? value, int max) => value is not null && (value.Length > max || value.Any(c => c == '\0'));

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EventTypeShape();
}
