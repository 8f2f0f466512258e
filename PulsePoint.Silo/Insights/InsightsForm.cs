namespace PulsePoint.Silo.Insights;

/// <summary>The page's query parameters as typed (echoed back into the form), with defaults: the last 30 days.</summary>
public sealed record InsightsForm(string TenantText, string FromText, string ToText)
{
    public InsightsForm(string tenant, string from, string to, DateOnly today)
        : this(tenant.Trim(), from.Length == 0 ? today.AddDays(-29).ToString("yyyy-MM-dd") : from.Trim(), to.Length == 0 ? today.ToString("yyyy-MM-dd") : to.Trim())
    {
    }
}
