using System.Globalization;
using PulsePoint.Analytics;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Insights;

/// <summary>
/// The operator page <c>/insights</c>: one tenant's analytics over a date range, charts drawn on the server as SVG
/// (no script, no external network). It sits on the silo's web host beside the dashboard and has the same access rule
/// (<c>PulsePoint:Http:OperatorAccess</c>): loopback clients by default, or an API key; a tenant's key with <c>read</c>
/// sees its own tenant only, and another tenant's id answers exactly as an unknown one.
/// </summary>
public static class InsightsEndpoints
{
    public const string Path = "/insights";

    /// <summary>Maps <c>GET /insights?tenant=ID&amp;from=YYYY-MM-DD&amp;to=YYYY-MM-DD</c>; without a tenant it shows the form only.</summary>
    public static IEndpointConventionBuilder MapPulsePointInsights(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, RenderAsync);

    private static async Task<IResult> RenderAsync(HttpContext http, TenantAnalytics analytics, TimeProvider time)
    {
        var query = http.Request.Query;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var form = new InsightsForm(query["tenant"].ToString(), query["from"].ToString(), query["to"].ToString(), today);
        if (form.TenantText.Length == 0)
        {
            return Html(InsightsPage.Render(form, null, null), StatusCodes.Status200OK);
        }

        if (!TenantId.TryParse(form.TenantText, out var tenant))
        {
            return Html(InsightsPage.Render(form, null, $"'{form.TenantText}' is not a tenant id; expected a UUID"), StatusCodes.Status400BadRequest);
        }

        AnalyticsRange range;
        try
        {
            range = AnalyticsRange.Days(Date(form.FromText, "from"), Date(form.ToText, "to"));
        }
        catch (InvalidAnalyticsRangeException e)
        {
            return Html(InsightsPage.Render(form, null, e.Message), StatusCodes.Status400BadRequest);
        }

        if (!HttpApi.OperatorPages.MaySee(http, tenant))
        {
            // The page of an unknown tenant, word for word: a tenant's key learns nothing about other tenants' ids.
            var unknown = new AnalyticsAnswer<DailyModelUsage>(tenant, range, AnalyticsOutcome.UnknownTenant, []);
            return Html(InsightsPage.Render(form, null, unknown.Explanation), StatusCodes.Status404NotFound);
        }

        var ct = http.RequestAborted;
        var todayRange = AnalyticsRange.Days(today, today);
        var data = new InsightsData(
            await analytics.DailyModelUsageAsync(tenant, range, ct),
            await analytics.LatencyAsync(tenant, range, ct),
            await analytics.AccuracyAsync(tenant, range, ct),
            await analytics.DailyCostAsync(tenant, todayRange, ct),
            await analytics.ThresholdAsync(tenant, ct),
            today);
        if (data.Usage.Outcome == AnalyticsOutcome.UnknownTenant)
        {
            return Html(InsightsPage.Render(form, null, data.Usage.Explanation), StatusCodes.Status404NotFound);
        }

        return Html(InsightsPage.Render(form, data, null), StatusCodes.Status200OK);
    }

    private static DateOnly Date(string text, string name) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new InvalidAnalyticsRangeException($"{name} must be a date like 2026-11-01");

    private static IResult Html(string body, int status) => Results.Content(body, "text/html; charset=utf-8", statusCode: status);
}
