using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PulsePoint.Analytics;
using PulsePoint.Silo.Insights;
using PulsePoint.Tests.Destinations;
using PulsePoint.Tests.Infrastructure;
using static PulsePoint.Tests.Analytics.AnalyticsEvents;

namespace PulsePoint.Tests.Analytics;

/// <summary>
/// The /insights page in headless Chromium (Debian's chromium, driven by Playwright for .NET through its bundled
/// driver; no browser download): it loads, every chart has one bar per seeded figure, and a screenshot is kept.
/// </summary>
public sealed class InsightsPageTests
{
    private static readonly DateTimeOffset Today = new(2026, 11, 26, 15, 0, 0, TimeSpan.Zero);
    private static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    [Fact]
    public async Task Insights_page_draws_one_bar_per_seeded_figure_in_headless_chromium()
    {
        await using var store = await AnalyticsTestWarehouse.CreateAsync();
        var tenant = await store.CreateTenantAsync("Insights", 0.05m);
        var other = await store.CreateTenantAsync("Someone else");
        var d1 = Today.Date.AddDays(-1);
        await store.Warehouse.DeliverAsync(
            [
                Ai(tenant, new DateTimeOffset(d1.AddHours(1), TimeSpan.Zero), "claude-3-sonnet", 1000, 400, 1400, 0.012m, durationMs: 100, accuracy: 0.75),
                Ai(tenant, new DateTimeOffset(d1.AddHours(2), TimeSpan.Zero), "gpt-4o", 500, 100, 600, 0.005m, durationMs: 80, accuracy: 0.5),
                Ai(tenant, Today.AddHours(-1), "claude-3-sonnet", 2000, 800, 2800, 0.03m, durationMs: 120, accuracy: 1.0),
                Api(tenant, Today.AddHours(-2), "api.request_completed", 10),
                Api(tenant, Today.AddHours(-2), "api.request_completed", 50),
                Api(tenant, Today.AddHours(-3), "api.brands_listed", 7, accuracy: 0.5),
                // Another tenant on the same day and types: none of it may show.
                Ai(other, Today.AddHours(-1), "mistral-large", 9, 9, 18, 9m, durationMs: 1, accuracy: 0),
                Api(other, Today.AddHours(-2), "api.orders_exported", 999),
            ],
            CancellationToken.None);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(store.Analytics);
        builder.Services.AddSingleton<TimeProvider>(new FixedTime(Today));
        builder.Services.AddPulsePointInsights();
        await using var app = builder.Build();
        app.MapPulsePointInsights();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 800, Height = 1400 } });
        var response = await page.GotoAsync($"{address}/insights?tenant={tenant}&from={d1:yyyy-MM-dd}&to={Today:yyyy-MM-dd}");

        Assert.Equal(200, response!.Status);
        Assert.Equal("PulsePoint insights", await page.TitleAsync());
        // Stacked cost: day 1 claude + gpt-4o, day 2 claude only.
        Assert.Equal(3, await page.Locator("#cost-chart rect.cost-bar").CountAsync());
        Assert.Equal(2, await page.Locator("#cost-chart rect.cost-bar[data-model='claude-3-sonnet']").CountAsync());
        Assert.Equal(2, await page.Locator("#tokens-chart rect.tokens-bar").CountAsync());
        Assert.Equal("2000", await page.Locator($"#tokens-chart rect.tokens-bar[data-day='{d1:yyyy-MM-dd}']").GetAttributeAsync("data-value"));
        Assert.Equal(6, await page.Locator("#latency-chart rect.latency-bar").CountAsync());
        Assert.Equal("48", await page.Locator("#latency-chart rect[data-route='api.request_completed'][data-percentile='p95']").GetAttributeAsync("data-value"));
        Assert.Equal(2, await page.Locator("#accuracy-chart rect.accuracy-bar").CountAsync());
        Assert.Equal("0.75", await page.Locator("#accuracy-chart rect.accuracy-bar[data-event-type='ai.answer_generated']").GetAttributeAsync("data-value"));
        Assert.Equal("0.03", await page.Locator("#today-spend").GetAttributeAsync("data-spend"));
        Assert.Equal("0.05", await page.Locator("#today-spend").GetAttributeAsync("data-threshold"));
        Assert.Equal(0, await page.Locator("[data-model='mistral-large'], [data-route='api.orders_exported']").CountAsync());

        var screenshot = Path.Combine(Repository.Root, ".local", "test-results", "insights.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);

        var inverted = await page.GotoAsync($"{address}/insights?tenant={tenant}&from={Today:yyyy-MM-dd}&to={d1:yyyy-MM-dd}");
        Assert.Equal(400, inverted!.Status);
        Assert.StartsWith("the range is inverted", await page.Locator("#error").TextContentAsync());
        var unknown = await page.GotoAsync($"{address}/insights?tenant={PulsePoint.Tenancy.TenantId.New()}");
        Assert.Equal(404, unknown!.Status);
        Assert.StartsWith("no tenant has the id", await page.Locator("#error").TextContentAsync());

        // What the page echoes back is text, never markup.
        var hostile = await page.GotoAsync($"{address}/insights?tenant=%3Cscript%3Ealert(1)%3C%2Fscript%3E&from=%22%3E%3Cb%3E");
        Assert.Equal(400, hostile!.Status);
        Assert.Equal("'<script>alert(1)</script>' is not a tenant id; expected a UUID", await page.Locator("#error").TextContentAsync());
        Assert.Equal("\"><b>", await page.Locator("input[name=from]").GetAttributeAsync("value"));
        Assert.Equal(0, await page.Locator("script, b").CountAsync());

        await app.StopAsync();
    }

}
