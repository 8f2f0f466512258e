namespace PulsePoint.Silo.Cli;

/// <summary>How the cells of an <see cref="OutputColumn"/> are written and aligned.</summary>
public enum ColumnKind
{
    /// <summary>Text as given (a day as YYYY-MM-DD), left-aligned.</summary>
    Text,

    /// <summary>
    /// A number, right-aligned: a count with thousands grouped in tables (not in CSV), a measurement (double) with
    /// three decimals, or text already formatted as a number.
    /// </summary>
    Number,

    /// <summary>US dollars (decimal) as <c>Money.Format</c> writes them: exact, at least cents, never rounded; right-aligned.</summary>
    Money,

    /// <summary>A fraction (double) as a percentage with one decimal (1.25 → 125.0%), right-aligned.</summary>
    Percent,
}
