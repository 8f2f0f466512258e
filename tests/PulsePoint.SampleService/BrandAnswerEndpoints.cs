using PulsePoint.Billing;
using PulsePoint.Brands;
using PulsePoint.Client;
using PulsePoint.Client.AspNetCore;
using PulsePoint.Events;
using PulsePoint.Tenancy;

namespace PulsePoint.SampleService;

/// <summary>"Answer a question about my brand": a brand query, a budget reservation, a (simulated) AI call, tracked.</summary>
public static class BrandAnswerEndpoints
{
    public const string AnswerRoute = "/api/brands/{brandId:guid}/answers";

    /// <summary>The question the caller asks.</summary>
    public sealed record Question(string Text);

    /// <summary>The answer with the id of its stored AI event.</summary>
    public sealed record Answer(string Text, Guid EventId, long TokensInput, long TokensOutput, decimal CostUsd);

    public static IEndpointRouteBuilder MapBrandAnswers(this IEndpointRouteBuilder app)
    {
        app.MapPost(AnswerRoute, AnswerAsync);
        return app;
    }

    private static async Task<IResult> AnswerAsync(Guid brandId, Question question, HttpContext context, IGrainFactory grains, EventTracker tracker)
    {
        if (string.IsNullOrWhiteSpace(question.Text) || question.Text.Length > 2000)
        {
            return Results.Problem(statusCode: 400, title: "Invalid question", detail: "Ask a question of 1 to 2000 characters.");
        }

        // Inside the request's TenantScope (UsePulsePointTenancy): every grain call carries the tenant.
        var tenant = context.GetPulsePointTenant();
        var user = context.User.Identity?.Name;
        BrandSummary summary;
        try
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            summary = await grains.GetGrain<IBrandGrain>(brandId, tenant.ToString()).GetSummaryAsync(DateRange.Create(today.AddDays(-29), today));
        }
        catch (BrandNotFoundException)
        {
            return Results.Problem(statusCode: 404, title: "Brand not found", detail: "This tenant has no such brand.");
        }

        var budget = grains.GetGrain<ITenantBillingGrain>(tenant.Value);
        var reservation = await budget.ReserveBudgetAsync(SimulatedAiModel.EstimateUsd(question.Text));
        if (!reservation.Granted)
        {
            return Results.Problem(statusCode: 429, title: "Daily AI budget exhausted",
                detail: $"The tenant's daily AI budget of {reservation.DailyBudgetUsd} USD is used up; try again tomorrow (UTC).");
        }

        (string Text, long Input, long Output, TimeSpan Duration) result;
        try
        {
            result = await SimulatedAiModel.AnswerAsync(question.Text, summary);
        }
        catch (HttpRequestException e)
        {
            await budget.ReleaseBudgetAsync(reservation.ReservationId!.Value);
            // Critical: the sink flushes it at once and alert subscribers see it within a second.
            await tracker.TrackErrorAsync("ai_provider_unavailable", e.Message, EventSeverity.Critical, brandId: brandId, userId: user);
            return Results.Problem(statusCode: 503, title: "AI provider unavailable", detail: "The answer could not be generated; try again later.");
        }

        var cost = SimulatedAiModel.CostUsd(result.Input, result.Output);
        var stored = await tracker.TrackAiGenerationAsync(
            SimulatedAiModel.Model, result.Input, result.Output, result.Duration,
            new AiGenerationDetails { CostUsd = cost, BrandId = brandId, UserId = user, BudgetReservationId = reservation.ReservationId });
        await budget.CommitBudgetAsync(reservation.ReservationId!.Value, cost);
        return Results.Ok(new Answer(result.Text, stored.EventId, result.Input, result.Output, cost));
    }
}
