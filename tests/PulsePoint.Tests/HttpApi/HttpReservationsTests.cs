using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using PulsePoint.ApiKeys;
using PulsePoint.Billing;

namespace PulsePoint.Tests.HttpApi;

/// <summary>Budget reservations over HTTP on the real silo web host: the key's tenant's budget and spend limits, the key's own among them.</summary>
[Collection(HttpSiloCollection.Name)]
public sealed class HttpReservationsTests(HttpSiloFixture silo)
{
    [Fact]
    public async Task HttpReservations_reserve_commit_and_release_within_the_limits_of_the_user_and_the_key()
    {
        var tenant = await silo.CreateTenantAsync();
        var key = await silo.CreateKeyAsync(tenant);
        Assert.True(ApiKeySecret.TryParse(key, out var keyId, out _));
        var admin = silo.Grains.GetGrain<ITenantBillingAdminGrain>(tenant.Value);
        await admin.SetSpendLimitAsync(new SpendLimit(SpendScope.User, "u-1", SpendPeriod.Day, 1m));
        await admin.SetSpendLimitAsync(new SpendLimit(SpendScope.ApiKey, keyId.ToString(), SpendPeriod.Minute, null, 3000));
        using var http = silo.Client(key);

        var granted = await ReserveAsync(http, new JsonObject { ["estimated_cost_usd"] = "0.6", ["estimated_tokens"] = 1000, ["user_id"] = "u-1" });
        Assert.Equal(HttpStatusCode.OK, granted.Status);
        Assert.True((bool)granted.Body["granted"]!);
        Assert.Equal("0.4", granted.Body["remaining_usd"]!.ToJsonString()); // exact, without a numeric column's trailing zeros
        var id = (Guid)granted.Body["reservation_id"]!;

        // The user's day budget: $0.60 held of $1.
        var denied = await ReserveAsync(http, new JsonObject { ["estimated_cost_usd"] = 0.5, ["user_id"] = "u-1" });
        Assert.False((bool)denied.Body["granted"]!);
        Assert.Equal(("user", "u-1", "day"), ((string)denied.Body["denied_by"]!["scope"]!, (string)denied.Body["denied_by"]!["subject"]!, (string)denied.Body["denied_by"]!["period"]!));
        Assert.Null(denied.RetryAfter);

        var commit = await http.PostAsync($"/v1/reservations/{id}/commit", Json(new JsonObject { ["actual_cost_usd"] = "0.25", ["actual_tokens"] = 900 }));
        Assert.Equal("committed", (string)(await commit.Content.ReadFromJsonAsync<JsonObject>())!["settlement"]!);
        var twice = await http.PostAsync($"/v1/reservations/{id}/commit", Json(new JsonObject { ["actual_cost_usd"] = "0.25" }));
        Assert.Equal("already_settled", (string)(await twice.Content.ReadFromJsonAsync<JsonObject>())!["settlement"]!);
        Assert.True((bool)(await ReserveAsync(http, new JsonObject { ["estimated_cost_usd"] = 0.5, ["user_id"] = "u-1" })).Body["granted"]!);

        // The key's rate limit: 900 tokens committed this minute; 2,500 more do not fit in 3,000, and the answer says when they will.
        var limited = await ReserveAsync(http, new JsonObject { ["estimated_cost_usd"] = 0, ["estimated_tokens"] = 2500 });
        Assert.False((bool)limited.Body["granted"]!);
        Assert.Equal(("api_key", "minute"), ((string)limited.Body["denied_by"]!["scope"]!, (string)limited.Body["denied_by"]!["period"]!));
        Assert.InRange(limited.RetryAfter!.Value, 1, 60);

        // Another tenant's key cannot settle this tenant's reservation: for its own tenant the id is unknown.
        var other = await silo.CreateTenantAsync();
        using var stranger = silo.Client(await silo.CreateKeyAsync(other));
        var held = await ReserveAsync(http, new JsonObject { ["estimated_cost_usd"] = 0.1, ["user_id"] = "u-1" });
        var release = await stranger.PostAsync($"/v1/reservations/{(Guid)held.Body["reservation_id"]!}/release", Json(new JsonObject()));
        Assert.Equal("not_held", (string)(await release.Content.ReadFromJsonAsync<JsonObject>())!["settlement"]!);
        var own = await http.PostAsync($"/v1/reservations/{(Guid)held.Body["reservation_id"]!}/release", Json(new JsonObject()));
        Assert.Equal("released", (string)(await own.Content.ReadFromJsonAsync<JsonObject>())!["settlement"]!);
    }

    [Fact]
    public async Task HttpReservations_bad_bodies_are_answered_with_problem_details_and_no_key_with_401()
    {
        var tenant = await silo.CreateTenantAsync();
        using var http = silo.Client(await silo.CreateKeyAsync(tenant));

        Assert.Equal(HttpStatusCode.BadRequest, (await ReserveAsync(http, new JsonObject { ["estimated_tokens"] = 5 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ReserveAsync(http, new JsonObject { ["estimated_cost_usd"] = 1, ["estimatd_tokens"] = 5 })).Status);
        var negative = await ReserveAsync(http, new JsonObject { ["estimated_cost_usd"] = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, negative.Status);
        Assert.Contains("cannot be negative", (string)negative.Body["detail"]!);
        Assert.Equal(HttpStatusCode.BadRequest, (await ReserveAsync(http, new JsonObject { ["estimated_cost_usd"] = "0.0000000000001" })).Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.PostAsync("/v1/reservations", new StringContent("{}", Encoding.UTF8, "text/plain"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/v1/reservations/not-a-uuid/commit", Json(new JsonObject { ["actual_cost_usd"] = 1 }))).StatusCode);

        using var anonymous = silo.Client(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/v1/reservations", Json(new JsonObject { ["estimated_cost_usd"] = 1 }))).StatusCode);
        using var reader = silo.Client(await silo.CreateKeyAsync(tenant, ApiKeyScopes.Read));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/v1/reservations", Json(new JsonObject { ["estimated_cost_usd"] = 1 }))).StatusCode);
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, JsonObject Body, int? RetryAfter)> ReserveAsync(HttpClient http, JsonObject body)
    {
        var response = await http.PostAsync("/v1/reservations", Json(body));
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
        return (response.StatusCode, answer!, response.Headers.RetryAfter?.Delta is { } delta ? (int)delta.TotalSeconds : null);
    }
}
