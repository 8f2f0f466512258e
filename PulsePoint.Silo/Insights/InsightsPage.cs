using System.Globalization;
using System.Net;
using System.Text;
using PulsePoint.Alerts;
using PulsePoint.Billing;

namespace PulsePoint.Silo.Insights;

/// <summary>
/// Renders the insights page: a form and SVG charts drawn here, so the page needs no script and no network.
/// Every bar is a <c>rect</c> with class <c>bar</c>, a chart class and <c>data-*</c> attributes (day, model, route,
/// percentile, value), so tests and people's tools can count and read them.
/// </summary>
public static class InsightsPage
{
    private const int Width = 720;
    private const int Height = 220;
    private const int Left = 60;
    private const int Bottom = 40;
    private static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"];

    /// <summary>The whole page; <paramref name="data"/> null shows the form (and <paramref name="error"/>, if any) only.</summary>
    public static string Render(InsightsForm form, InsightsData? data, string? error)
    {
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>PulsePoint insights</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:24px;color:#222;background:#fff}
            h1{font-size:20px} h2{font-size:16px;margin-top:28px}
            form{display:flex;gap:12px;align-items:end;flex-wrap:wrap}
            label{display:flex;flex-direction:column;font-size:12px;color:#555}
            input{font:inherit;padding:4px 6px} .error{color:#b00020;font-weight:600}
            svg{background:#fafafa;border:1px solid #ddd} .axis{stroke:#999} .tick{font-size:10px;fill:#555}
            .legend{font-size:11px;fill:#333} .empty{color:#777;font-style:italic}
            table{border-collapse:collapse;font-size:12px} th,td{border:1px solid #ddd;padding:3px 6px;text-align:left}
            .status-failed,.status-pending.has-error{color:#b00020} .status-delivered{color:#2e7d32}
            </style></head><body>
            <h1>PulsePoint insights</h1>
            """);
        html.Append(CultureInfo.InvariantCulture, $"""
            <form method="get" action="{InsightsEndpoints.Path}">
            <label>Tenant<input name="tenant" size="38" value="{E(form.TenantText)}" placeholder="3f2504e0-4f89-41d3-9a0c-0305e82c3301"></label>
            <label>From<input name="from" type="date" value="{E(form.FromText)}"></label>
            <label>To<input name="to" type="date" value="{E(form.ToText)}"></label>
            <button type="submit">Show</button>
            </form>
            """);
        if (error is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"error\" id=\"error\">{E(error)}</p>");
        }

        if (data is not null)
        {
            Today(html, data);
            var days = data.Usage.Rows.Select(r => r.Day).Distinct().Order().ToList();
            var models = data.Usage.Rows.Select(r => r.Model ?? "(none)").Distinct().Order(StringComparer.Ordinal).ToList();

            html.Append("<h2>Daily cost per model (USD)</h2>");
            Chart(html, "cost-chart", "cost-bar", stacked: true, models,
                days.Select(d => (Day(d), models.Select(m => (m, (double)data.Usage.Rows.Where(r => r.Day == d && (r.Model ?? "(none)") == m).Sum(r => r.CostUsd),
                    $"data-day=\"{Day(d)}\" data-model=\"{E(m)}\"")).ToList())).ToList(), data.Usage.Explanation);

            html.Append("<h2>Tokens per day</h2>");
            Chart(html, "tokens-chart", "tokens-bar", stacked: true, ["total tokens"],
                days.Select(d => (Day(d), new List<(string, double, string)>
                    { ("total tokens", data.Usage.Rows.Where(r => r.Day == d).Sum(r => (double)r.TotalTokens), $"data-day=\"{Day(d)}\"") })).ToList(), data.Usage.Explanation);

            html.Append("<h2>API latency per route (ms)</h2>");
            string[] percentiles = ["p50", "p95", "p99"];
            Chart(html, "latency-chart", "latency-bar", stacked: false, percentiles,
                data.Latency.Rows.Select(r => (r.Route, new List<(string, double, string)>
                {
                    ("p50", r.P50Ms, $"data-route=\"{E(r.Route)}\" data-percentile=\"p50\""),
                    ("p95", r.P95Ms, $"data-route=\"{E(r.Route)}\" data-percentile=\"p95\""),
                    ("p99", r.P99Ms, $"data-route=\"{E(r.Route)}\" data-percentile=\"p99\""),
                })).ToList(), data.Latency.Explanation);

            html.Append("<h2>Accuracy per event type</h2>");
            Chart(html, "accuracy-chart", "accuracy-bar", stacked: false, ["average accuracy"],
                data.Accuracy.Rows.Select(r => (r.EventType, new List<(string, double, string)>
                    { ("average accuracy", r.Average, $"data-event-type=\"{E(r.EventType)}\" data-count=\"{r.Count}\"") })).ToList(), data.Accuracy.Explanation, fixedMax: 1);

            if (data.Channels is not null)
            {
                Alerts(html, data.Channels, data.Deliveries ?? []);
            }
        }

        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Today(StringBuilder html, InsightsData data)
    {
        var spend = data.Today.Rows.Sum(r => r.CostUsd);
        var threshold = data.ThresholdUsd ?? 0;
        var fraction = threshold == 0 ? 1 : (double)(spend / threshold);
        var width = Width - 2 * Left;
        var filled = Math.Min(1, fraction) * width;
        var color = fraction >= 1 ? "#e15759" : fraction >= 0.8 ? "#f28e2b" : "#59a14f";
        html.Append(CultureInfo.InvariantCulture, $"""
            <h2>Today's spend ({Day(data.TodayDate)}, UTC)</h2>
            <p id="today-text">{Money.Format(spend)} USD of the {Money.Format(threshold)} USD daily threshold ({fraction * 100:0.0}%)</p>
            <svg id="today-spend" width="{Width}" height="60" role="img" data-spend="{Money.Format(spend)}" data-threshold="{Money.Format(threshold)}">
            <rect x="{Left}" y="15" width="{width}" height="24" fill="#e6e6e6"/>
            <rect class="spend-bar" x="{Left}" y="15" width="{F(filled)}" height="24" fill="{color}"/>
            <line class="threshold-line" x1="{Left + width}" y1="8" x2="{Left + width}" y2="46" stroke="#222" stroke-width="2"/>
            <text class="tick" x="{Left + width - 4}" y="56" text-anchor="end">threshold</text>
            </svg>
            """);
    }

    /// <summary>The tenant's alert channels with their delivery counts, then the recent deliveries, as tables.</summary>
    private static void Alerts(StringBuilder html, IReadOnlyList<AlertChannelInfo> channels, IReadOnlyList<AlertDeliveryStatus> deliveries)
    {
        html.Append("<h2>Alert channels</h2>");
        if (channels.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"channels-empty\">No alert channels: alerts go to the silo log and the event stream only (add one with <code>channels add</code>).</p>");
        }
        else
        {
            html.Append("<table id=\"alert-channels\"><tr><th>name</th><th>kind</th><th>target</th><th>pending</th><th>delivered</th><th>failed</th><th>failed attempts</th><th>next attempt</th><th>last error</th></tr>");
            foreach (var c in channels)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr class=\"channel\" data-channel=\"{c.Id:D}\" data-pending=\"{c.Pending}\" data-delivered=\"{c.Delivered}\" data-failed=\"{c.Failed}\" data-failed-attempts=\"{c.FailedAttempts}\"><td>{E(c.Name)}</td><td>{E(AlertChannelStore.Kind(c.Kind))}</td><td>{E(c.Target)}</td><td>{c.Pending}</td><td>{c.Delivered}</td><td>{c.Failed}</td><td>{c.FailedAttempts}</td><td>{Time(c.NextAttemptAt)}</td><td>{E(c.LastError ?? "")}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("<h2>Recent alert deliveries</h2>");
        if (deliveries.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"deliveries-empty\">No alert deliveries yet.</p>");
            return;
        }

        html.Append("<table id=\"alert-deliveries\"><tr><th>raised</th><th>kind</th><th>summary</th><th>channel</th><th>status</th><th>attempts</th><th>next attempt</th><th>last error</th></tr>");
        foreach (var d in deliveries)
        {
            var error = d.LastError is null ? "" : " has-error";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"delivery status-{E(d.Status)}{error}\" data-delivery=\"{d.DeliveryId:D}\" data-status=\"{E(d.Status)}\" data-kind=\"{E(d.Kind)}\" data-attempts=\"{d.Attempts}\"><td>{Time(d.RaisedAt)}</td><td>{E(d.Kind)}</td><td>{E(d.Summary)}</td><td>{E(d.ChannelName)}</td><td>{E(d.Status)}</td><td>{d.Attempts}</td><td>{Time(d.NextAttemptAt)}</td><td>{E(d.LastError ?? "")}</td></tr>");
        }

        html.Append("</table>");
    }

    private static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    private static void Chart(
        StringBuilder html, string id, string barClass, bool stacked, IReadOnlyList<string> series,
        IReadOnlyList<(string Label, List<(string Series, double Value, string Attributes)> Segments)> groups, string? empty, double? fixedMax = null)
    {
        if (groups.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"empty\" id=\"{id}-empty\">No data: {E(empty ?? "nothing in this range")}</p>");
            return;
        }

        var max = fixedMax ?? groups.Max(g => stacked ? g.Segments.Sum(s => s.Value) : g.Segments.Max(s => s.Value));
        max = max <= 0 ? 1 : max;
        var plotWidth = Width - Left - 20;
        var plotHeight = Height - Bottom - 20;
        var slot = (double)plotWidth / groups.Count;
        var barWidth = slot * 0.7;
        html.Append(CultureInfo.InvariantCulture, $"<svg id=\"{id}\" width=\"{Width}\" height=\"{Height + 20}\" role=\"img\">");
        html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" y1=\"{20 + plotHeight}\" x2=\"{Left + plotWidth}\" y2=\"{20 + plotHeight}\"/>");
        html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" y1=\"20\" x2=\"{Left}\" y2=\"{20 + plotHeight}\"/>");
        html.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left - 4}\" y=\"24\" text-anchor=\"end\">{Number(max)}</text>");
        html.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left - 4}\" y=\"{20 + plotHeight}\" text-anchor=\"end\">0</text>");
        for (var g = 0; g < groups.Count; g++)
        {
            var (label, segments) = groups[g];
            var x0 = Left + g * slot + (slot - barWidth) / 2;
            var top = 20.0 + plotHeight;
            for (var s = 0; s < segments.Count; s++)
            {
                var (name, value, attributes) = segments[s];
                if (stacked && value == 0)
                {
                    continue;
                }

                var h = value / max * plotHeight;
                var color = Palette[Math.Max(0, IndexOf(series, name)) % Palette.Length];
                double x, y, w;
                if (stacked)
                {
                    top -= h;
                    (x, y, w) = (x0, top, barWidth);
                }
                else
                {
                    w = barWidth / segments.Count;
                    (x, y) = (x0 + s * w, 20 + plotHeight - h);
                }

                html.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"bar {barClass}\" x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(w)}\" height=\"{F(h)}\" fill=\"{color}\" {attributes} data-series=\"{E(name)}\" data-value=\"{value.ToString("R", CultureInfo.InvariantCulture)}\"><title>{E(label)} {E(name)}: {Number(value)}</title></rect>");
            }

            html.Append(CultureInfo.InvariantCulture,
                $"<text class=\"tick\" x=\"{F(x0 + barWidth / 2)}\" y=\"{20 + plotHeight + 14}\" text-anchor=\"middle\">{E(Shorten(label))}</text>");
        }

        for (var s = 0; s < series.Count; s++)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{Left + s * 150}\" y=\"{Height + 4}\" width=\"10\" height=\"10\" fill=\"{Palette[s % Palette.Length]}\"/><text class=\"legend\" x=\"{Left + s * 150 + 14}\" y=\"{Height + 13}\">{E(series[s])}</text>");
        }

        html.Append("</svg>");
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Shorten(string label) => label.Length > 22 ? label[..21] + "…" : label;

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Number(double value) => value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
