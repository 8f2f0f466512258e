using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using PulsePoint.Billing;
using PulsePoint.Events;
using PulsePoint.Silo.Hosting;
using PulsePoint.Tenancy;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// Budget reservations over HTTP, for backends without an Orleans client (docs/http-api.md#budget-reservations):
/// <c>POST /v1/reservations</c> reserves an AI call's estimate within the key's tenant's daily budget and spend limits
/// (the key's own limits included: the reservation is made for the key's id); <c>POST /v1/reservations/{id}/commit</c>
/// and <c>/release</c> settle it. A denial is an answer, not an error: 200 with <c>granted: false</c> and the limit that
/// denied it, plus <c>Retry-After</c> when a rate limit will let the same request through later.
/// </summary>
public static class ReservationsEndpoint
{
    public const string Path = "/v1/reservations";

    /// <summary>The period a denial by the tenant's daily budget names: the UTC day.</summary>
    public const string DailyBudgetPeriod = "utc_day";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Map(RouteGroupBuilder api, string policy)
    {
        api.MapPost(Path, ReserveAsync).RequireAuthorization(policy);
        api.MapPost(Path + "/{id:guid}/commit", CommitAsync).RequireAuthorization(policy);
        api.MapPost(Path + "/{id:guid}/release", ReleaseAsync).RequireAuthorization(policy);
    }

    private static async Task<IResult> ReserveAsync(HttpContext http, IGrainFactory grains, IOptions<HttpApiOptions> options)
    {
        var (body, problem) = await ReadAsync<ReserveBody>(http, options.Value);
        if (problem is not null)
        {
            return problem;
        }

        var tenant = ApiKeyClaims.IngestTenantOf(http.User);
        var request = new SpendRequest(body!.EstimatedCostUsd, body.EstimatedTokens ?? 0, body.UserId, ApiKeyClaims.KeyIdOf(http.User), body.Feature);
        BudgetReservation answer;
        try
        {
            CallerTenant.Set(tenant);
            answer = await grains.GetGrain<ITenantBillingGrain>(tenant.Value).ReserveAsync(request);
        }
        catch (ArgumentException e)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "Invalid reservation", e.Reason());
        }

        if (answer.RetryAfter is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return Results.Json(new ReserveAnswer(
            answer.Granted,
            answer.ReservationId,
            answer.ExpiresAt,
            Plain(answer.RemainingUsd),
            answer.DeniedBy is { } limit ? new DeniedBy(SpendLimits.ScopeName(limit.Scope), limit.Subject, SpendLimits.PeriodName(limit.Period), Plain(limit.LimitUsd), limit.LimitTokens)
                : answer.Granted ? null
                : new DeniedBy("tenant", "", DailyBudgetPeriod, Plain(answer.DailyBudgetUsd), null),
            answer.RetryAfter?.TotalSeconds), Json);
    }

    private static async Task<IResult> CommitAsync(Guid id, HttpContext http, IGrainFactory grains, IOptions<HttpApiOptions> options)
    {
        var (body, problem) = await ReadAsync<CommitBody>(http, options.Value);
        if (problem is not null)
        {
            return problem;
        }

        return await SettleAsync(http, grains, g => body!.ActualTokens is { } tokens
            ? g.CommitSpendAsync(id, body.ActualCostUsd, tokens)
            : g.CommitBudgetAsync(id, body.ActualCostUsd));
    }

    private static Task<IResult> ReleaseAsync(Guid id, HttpContext http, IGrainFactory grains) =>
        SettleAsync(http, grains, g => g.ReleaseBudgetAsync(id));

    private static async Task<IResult> SettleAsync(HttpContext http, IGrainFactory grains, Func<ITenantBillingGrain, Task<BudgetSettlement>> settle)
    {
        var tenant = ApiKeyClaims.IngestTenantOf(http.User);
        try
        {
            CallerTenant.Set(tenant);
            var settlement = await settle(grains.GetGrain<ITenantBillingGrain>(tenant.Value));
            return Results.Json(new SettleAnswer(settlement switch
            {
                BudgetSettlement.Committed => "committed",
                BudgetSettlement.Released => "released",
                BudgetSettlement.AlreadySettled => "already_settled",
                _ => "not_held",
            }), Json);
        }
        catch (ArgumentException e)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "Invalid settlement", e.Reason());
        }
    }

    private static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpContext http, HttpApiOptions options) where T : class
    {
        if (!EventsEndpoint.IsJson(http.Request.ContentType))
        {
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "JSON expected", "Send the body as Content-Type: application/json."));
        }

        var (body, problem) = await RequestBody.ReadAsync(http, options.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return (null, problem);
        }

        try
        {
            return (JsonSerializer.Deserialize<T>(body, Json) ?? throw new JsonException("the body is null"), null);
        }
        catch (JsonException e)
        {
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "Malformed body", e.Message));
        }
    }

    /// <summary>The amount without the trailing zeros a numeric column gives back (0.01, not 0.010000000000); still exact.</summary>
    private static decimal? Plain(decimal? usd) => usd / 1.000000000000000000000000000000000m;

    private sealed record ReserveBody(
        [property: JsonRequired] decimal EstimatedCostUsd,
        long? EstimatedTokens = null,
        string? UserId = null,
        string? Feature = null);

    private sealed record CommitBody([property: JsonRequired] decimal ActualCostUsd, long? ActualTokens = null);

    private sealed record DeniedBy(string Scope, string Subject, string Period, decimal? LimitUsd, long? LimitTokens);

    private sealed record ReserveAnswer(
        bool Granted, Guid? ReservationId, DateTimeOffset? ExpiresAt, decimal? RemainingUsd, DeniedBy? DeniedBy, double? RetryAfterSeconds);

    private sealed record SettleAnswer(string Settlement);
}
