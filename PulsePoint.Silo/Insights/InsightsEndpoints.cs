using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PulsePoint.Alerts;
using PulsePoint.Analytics;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.Insights;

/// <summary>
/// The operator page <c>/insights</c>: one tenant's analytics over a date range, charts drawn on the server as SVG by
/// Razor components (<see cref="InsightsPage"/>; no script, no external network). It sits on the silo's web host beside
/// the dashboard and has the same access rule (<c>PulsePoint:Http:OperatorAccess</c>): loopback clients by default, or
/// an API key or operator token; a tenant's key with <c>read</c> (or a token naming a tenant) sees its own tenant only, and
/// another tenant's id answers exactly as an unknown one.
/// </summary>
public static class InsightsEndpoints
{
    public const string Path = "/insights";

    /// <summary>Registers what rendering the page needs (Razor components on the server).</summary>
    public static IServiceCollection AddPulsePointInsights(this IServiceCollection services)
    {
        services.AddRazorComponents();
        return services;
    }

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
            return Page(form, null, null, StatusCodes.Status200OK);
        }

        if (!TenantId.TryParse(form.TenantText, out var tenant))
        {
            return Page(form, null, $"'{form.TenantText}' is not a tenant id; expected a UUID", StatusCodes.Status400BadRequest);
        }

        AnalyticsRange range;
        try
        {
            range = AnalyticsRange.Days(Date(form.FromText, "from"), Date(form.ToText, "to"));
        }
        catch (InvalidAnalyticsRangeException e)
        {
            return Page(form, null, e.Message, StatusCodes.Status400BadRequest);
        }

        if (!HttpApi.OperatorPages.MaySee(http, tenant))
        {
            // The page of an unknown tenant, word for word: a tenant's key learns nothing about other tenants' ids.
            var unknown = new AnalyticsAnswer<DailyModelUsage>(tenant, range, AnalyticsOutcome.UnknownTenant, []);
            return Page(form, null, unknown.Explanation, StatusCodes.Status404NotFound);
        }

        var ct = http.RequestAborted;
        var todayRange = AnalyticsRange.Days(today, today);
        // Alert delivery is a silo service; a host without it shows the page without that section.
        var alerts = http.RequestServices.GetService<AlertChannelStore>();
        var data = new InsightsData(
            await analytics.DailyModelUsageAsync(tenant, range, ct),
            await analytics.LatencyAsync(tenant, range, ct),
            await analytics.AccuracyAsync(tenant, range, ct),
            await analytics.DailyCostAsync(tenant, todayRange, ct),
            await analytics.ThresholdAsync(tenant, ct),
            today,
            alerts is null ? null : await alerts.ListAsync(tenant, ct),
            alerts is null ? null : await alerts.DeliveriesAsync(tenant, 20, ct));
        if (data.Usage.Outcome == AnalyticsOutcome.UnknownTenant)
        {
            return Page(form, null, data.Usage.Explanation, StatusCodes.Status404NotFound);
        }

        return Page(form, data, null, StatusCodes.Status200OK);
    }

    private static DateOnly Date(string text, string name) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new InvalidAnalyticsRangeException($"{name} must be a date like 2026-11-01");

    private static RazorComponentResult<InsightsPage> Page(InsightsForm form, InsightsData? data, string? error, int status) =>
        new(new Dictionary<string, object?>
        {
            [nameof(InsightsPage.Form)] = form,
            [nameof(InsightsPage.Data)] = data,
            [nameof(InsightsPage.Error)] = error,
        })
        {
            StatusCode = status,
        };
}
