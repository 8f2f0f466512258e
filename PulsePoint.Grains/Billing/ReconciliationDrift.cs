using System.Globalization;

namespace PulsePoint.Billing;

/// <summary>A source whose amount for a tenant-day is not the ledger's at <see cref="ReconciliationOptions.MoneyDecimals"/> places.</summary>
/// <param name="Source">The source: <c>events</c>, <c>counters</c> or <c>warehouse</c>.</param>
/// <param name="Usd">Its amount.</param>
/// <param name="LedgerUsd">The ledger's amount.</param>
/// <param name="Before">When the comparison covered only events before this instant (the current day's live part left out), the instant.</param>
public sealed record ReconciliationDrift(string Source, decimal Usd, decimal LedgerUsd, DateTimeOffset? Before = null)
{
    /// <summary>Formats money as reconcile prints it: every one of the compared decimal places.</summary>
    public static string Money(decimal usd) => usd.ToString("0.000000000000", CultureInfo.InvariantCulture);

    /// <summary>True when the two amounts are equal once rounded to <see cref="ReconciliationOptions.MoneyDecimals"/> places.</summary>
    public static bool Agree(decimal a, decimal b) =>
        decimal.Round(a, ReconciliationOptions.MoneyDecimals, MidpointRounding.AwayFromZero) ==
        decimal.Round(b, ReconciliationOptions.MoneyDecimals, MidpointRounding.AwayFromZero);

    /// <summary>E.g. <c>DRIFT warehouse 1.300000000000 ≠ ledger 1.200000000000</c>, with <c>(events before 12:00:00Z)</c> when cut.</summary>
    public override string ToString() =>
        $"DRIFT {Source} {Money(Usd)} ≠ ledger {Money(LedgerUsd)}" +
        (Before is { } before ? string.Create(CultureInfo.InvariantCulture, $" (events before {before.UtcDateTime:HH:mm:ss}Z)") : "");
}
