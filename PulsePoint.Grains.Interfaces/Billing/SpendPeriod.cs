namespace PulsePoint.Billing;

/// <summary>The span a <see cref="SpendLimit"/> counts over.</summary>
[GenerateSerializer, Alias("PulsePoint.SpendPeriod")]
public enum SpendPeriod
{
    /// <summary>The calendar day in the tenant's time zone: a budget.</summary>
    Day = 0,

    /// <summary>The calendar month in the tenant's time zone: a budget.</summary>
    Month = 1,

    /// <summary>The last 60 seconds, sliding: a rate limit, in USD and/or tokens.</summary>
    Minute = 2,
}
