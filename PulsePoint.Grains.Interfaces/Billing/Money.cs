using System.Globalization;

namespace PulsePoint.Billing;

/// <summary>
/// Money in PulsePoint: USD as <see cref="decimal"/> (numeric in SQL), exact to <see cref="Decimals"/> places
/// wherever it is stored, summed or shown — the ledger, the event store, the warehouses, the counters, the
/// budget and every report. An amount with more places is refused at the edge, never rounded.
/// </summary>
public static class Money
{
    /// <summary>Decimal places of every stored amount: 10^-12 USD.</summary>
    public const int Decimals = 12;

    /// <summary>True when <paramref name="usd"/> has at most <see cref="Decimals"/> places.</summary>
    public static bool IsExact(decimal usd) => decimal.Round(usd, Decimals) == usd;

    /// <summary>The amount for people: invariant culture, at least two places, every further place it has (never rounded).</summary>
    public static string Format(decimal usd) => usd.ToString("0.00##########", CultureInfo.InvariantCulture);

    /// <summary>Throws when <paramref name="usd"/> is negative or has more than <see cref="Decimals"/> places.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The amount is negative or too precise.</exception>
    public static decimal Check(decimal usd, string parameterName)
    {
        if (usd < 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, usd, "An amount of money cannot be negative.");
        }

        if (!IsExact(usd))
        {
            throw new ArgumentOutOfRangeException(parameterName, usd, $"Money is kept exactly to {Decimals} decimal places; round the amount first.");
        }

        return usd;
    }
}
