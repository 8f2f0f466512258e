using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using PulsePoint.ApiKeys;
using PulsePoint.Client;
using PulsePoint.Silo.Hosting;
using PulsePoint.Silo.HttpApi.Otlp;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// The HTTP API on the silo's web host: API-key authentication (and operator tokens, <see cref="OperatorTokens"/>), per-key
/// rate limits, <c>POST /v1/events</c>, <c>POST /v1/traces</c> (OTLP/HTTP), budget reservations and the key admin endpoints
/// (docs/http-api.md).
/// </summary>
public static class HttpApiExtensions
{
    /// <summary>The authorization policy of the ingestion endpoints: a tenant's key with the <c>ingest</c> scope.</summary>
    public const string IngestPolicy = "pulsepoint:ingest";

    /// <summary>The policy of the admin endpoints: an operator's key or a tenant's key with <c>admin</c> (checked per tenant in the endpoint).</summary>
    public const string AdminPolicy = "pulsepoint:admin";

    /// <summary>The rate-limiting policy of every API endpoint: requests per second per key.</summary>
    public const string KeyRateLimit = "pulsepoint:per-key";

    public static IServiceCollection AddPulsePointHttpApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HttpApiOptions>().Bind(configuration.GetSection(HttpApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // Read now: with Jwt, missing token settings must stop the silo before anything starts.
        var access = ValidatedOptions.Bind<HttpApiOptions>(configuration, HttpApiOptions.Section).OperatorAccess;
        services.AddSingleton<AuthenticationFailureLimiter>();
        services.AddSingleton<EventRateLimiter>();
        services.AddSingleton(sp => new EventTracker(sp.GetRequiredService<IGrainFactory>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<HttpEventAppends>();
        services.AddSingleton<OtlpSpanMapper>();
        services.AddProblemDetails();
        // No default scheme: only the API endpoints authenticate, so a stray Authorization header elsewhere costs nothing.
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyClaims.Scheme, null)
            .AddOperatorTokens(configuration, access);
        services.AddAuthorizationBuilder()
            .AddPolicy(IngestPolicy, policy => policy.AddAuthenticationSchemes(ApiKeyClaims.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(c => ApiKeyClaims.HasScope(c.User, ApiKeyScopes.Ingest)))
            .AddPolicy(AdminPolicy, policy => policy.AddAuthenticationSchemes(OperatorTokens.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(c => ApiKeyClaims.IsOperator(c.User) || ApiKeyClaims.HasScope(c.User, ApiKeyScopes.Admin)))
            .AddPolicy(OperatorPages.OperatorPolicy, policy => policy.AddAuthenticationSchemes(OperatorTokens.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(c => ApiKeyClaims.IsOperator(c.User)))
            .AddPolicy(OperatorPages.InsightsPolicy, policy => policy.AddAuthenticationSchemes(OperatorTokens.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(c => ApiKeyClaims.IsOperator(c.User) || ApiKeyClaims.HasScope(c.User, ApiKeyScopes.Read)));
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(KeyRateLimit, http =>
            {
                var perSecond = http.RequestServices.GetRequiredService<IOptions<HttpApiOptions>>().Value.RequestsPerSecondPerKey;
                return ApiKeyClaims.KeyIdOf(http.User) is { } key
                    ? RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = perSecond,
                        TokensPerPeriod = Math.Max(1, perSecond / 10),
                        ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter("unauthenticated");
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                var perSecond = context.HttpContext.RequestServices.GetRequiredService<IOptions<HttpApiOptions>>().Value.RequestsPerSecondPerKey;
                await Problems.TooMany(context.HttpContext, retryAfter, $"This key may make {perSecond} requests per second (PulsePoint:Http:RequestsPerSecondPerKey).")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    /// <summary>Adds the middleware (operator pages' loopback rule, authentication, authorization, rate limits) and maps the API's endpoints.</summary>
    public static WebApplication MapPulsePointHttpApi(this WebApplication app)
    {
        app.UseOperatorPagesOnLoopback();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        var api = app.MapGroup("").RequireRateLimiting(KeyRateLimit);
        api.MapPost(EventsEndpoint.Path, EventsEndpoint.PostAsync).RequireAuthorization(IngestPolicy);
        api.MapPost(TracesEndpoint.Path, TracesEndpoint.PostAsync).RequireAuthorization(IngestPolicy);
        ReservationsEndpoint.Map(api, IngestPolicy);
        api.MapAdminKeys().RequireAuthorization(AdminPolicy);
        return app;
    }
}
